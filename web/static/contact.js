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
  if (ticketForm) setupCampaignFields(ticketForm);
})();
