// "Was this article helpful?" answered in place: the answer is sent in the
// background and the feedback box is replaced by the server's own next
// state (thanks, or "What was missing?"), so the page never jumps and the
// message appears where the visitor is looking. Without this file the same
// forms post and come back to the box (#feedback).
(function () {
  "use strict";

  var box = document.getElementById("feedback");
  if (!box || !window.fetch || !window.DOMParser) return;

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("feedback answered " + response.status);
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("feedback");
        if (!next) throw new Error("no feedback box in the answer");
        box.replaceChildren.apply(box, Array.prototype.slice.call(next.childNodes));
        // Screen readers hear the thanks and the next question; the view stays put.
        var target = box.querySelector(".flash") || box.querySelector("legend");
        if (target) target.focus({ preventScroll: true });
        var first = box.querySelector("input[type=radio]");
        if (first && !box.querySelector(".flash")) first.focus({ preventScroll: true });
      })
      .catch(function () {
        form.submit(); // the plain way still works
      });
  }

  box.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "feedback-form" && form.id !== "missing") return;
    event.preventDefault();
    send(form, event.submitter);
  });
})();
