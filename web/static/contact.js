// The contact flow on one page (the suggestions themselves are combobox.js):
// once suggestions have answered, "None of these answers my question" sits
// right below them; choosing it reveals the ticket form in place, the
// subject copied into it, focus moved to its heading and the change
// announced. The campaign fields show only for campaign requests. Without
// this file every step is a page of its own.
(function () {
  "use strict";

  function setupCampaignFields(form) {
    var kind = form.querySelector("#kind");
    var fields = form.querySelector("#campaign-fields");
    if (!kind || !fields) return;
    function update() {
      var hasValue = Array.prototype.some.call(fields.querySelectorAll("input"), function (i) { return i.value; });
      fields.hidden = kind.value !== "campaign" && !hasValue;
    }
    kind.addEventListener("change", update);
    update();
  }

  // The channel choices follow the kind of request and the customer's own
  // clock: the browser's time zone goes to the server (cookie and form
  // field), and the choices are fetched again when the kind changes.
  function setupChannels(form) {
    var section = document.getElementById("channel-choice");
    var kind = form.querySelector("#kind");
    var zoneField = form.querySelector("input[name=tz]");
    var refresh = document.getElementById("channels-refresh");
    if (!section || !kind) return;
    if (refresh) refresh.hidden = true;
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (zoneField) zoneField.value = zone;
    if (zone) document.cookie = "kb_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    var sequence = 0;
    function update() {
      var current = document.getElementById("channel-choice");
      var url = current.dataset.url + "?kind=" + encodeURIComponent(kind.value) + "&tz=" + encodeURIComponent(zone);
      var mine = ++sequence;
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("channels answered " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (mine !== sequence) return;
          var holder = document.createElement("div");
          holder.innerHTML = html; // our own server-rendered, escaped fragment
          var fresh = holder.querySelector("#channel-choice");
          if (!fresh) return;
          fresh.dataset.loadedKind = kind.value; // for tests and styles: this answer is current
          current.replaceWith(fresh);
        })
        .catch(function () { if (refresh) refresh.hidden = false; });
    }
    kind.addEventListener("change", update);
    if (zone) update(); // times in the customer's own zone from the start
  }

  function setupOnePage() {
    var box = document.querySelector("#contact-subject-form .combobox");
    var offer = document.getElementById("none-helps");
    var section = document.getElementById("ticket-section");
    if (!box || !offer || !section) return;
    var subject = document.getElementById("contact-subject");
    var button = offer.querySelector("button");
    var status = document.getElementById("contact-status");
    var ticketSubject = section.querySelector("#subject");
    var copied = ticketSubject ? ticketSubject.value : null;

    function copySubject() {
      // Only while the customer has not written their own subject in the form.
      if (ticketSubject && ticketSubject.value === copied) {
        ticketSubject.value = subject.value.trim();
        copied = ticketSubject.value;
      }
    }

    var showMatching = document.getElementById("show-matching");
    box.addEventListener("suggestions", function (event) {
      offer.hidden = event.detail.count < 0 && section.hidden;
      // The matching articles are already listed: their page would say nothing more.
      if (showMatching) showMatching.hidden = event.detail.count >= 0;
    });
    subject.addEventListener("input", copySubject);
    button.addEventListener("click", function () {
      copySubject();
      section.hidden = false;
      button.setAttribute("aria-expanded", "true");
      document.getElementById("ticket-heading").focus();
      status.textContent = section.dataset.announce;
    });
  }

  setupOnePage();
  var ticketForm = document.getElementById("ticket-form");
  if (ticketForm) {
    setupCampaignFields(ticketForm);
    setupChannels(ticketForm);
  }
})();
