// Contact flow enhancements (the suggestions themselves are combobox.js):
// the campaign fields shown only for campaign requests. Every step also
// works without this file.
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

  var ticketForm = document.getElementById("ticket-form");
  if (ticketForm) setupCampaignFields(ticketForm);
})();
