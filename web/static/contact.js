// Contact flow enhancements: live article suggestions under the subject
// (ARIA 1.2 combobox with a listbox) and the campaign fields shown only for
// campaign requests. Every step also works without this file.
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 3;
  var LIMIT = 5;

  function setupCombobox(box) {
    var input = box.querySelector("[role=combobox]");
    var listbox = box.querySelector("[role=listbox]");
    var status = document.getElementById("contact-status");
    var timer = null;
    var controller = null;
    var sequence = 0; // number of the newest request; older answers are dropped
    var options = [];
    var active = -1;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function articleUrl(id) {
      var url = box.dataset.articleUrl.replace("__ID__", encodeURIComponent(id));
      return url + "?subject=" + encodeURIComponent(input.value.trim());
    }

    function announce(count) {
      var message = count === 0 ? box.dataset.msgNone : count === 1 ? box.dataset.msgOne : box.dataset.msgMany;
      status.textContent = message.replace("{count}", String(count));
    }

    function show(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = "contact-suggestion-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = articleUrl(result.id);
        option.textContent = result.title; // text only: never the snippet's HTML
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the field
        });
        option.addEventListener("click", function () {
          window.location.assign(option.dataset.href);
        });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      announce(options.length);
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        if (controller) controller.abort();
        sequence += 1;
        listbox.textContent = "";
        options = [];
        close();
        status.textContent = "";
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      var mine = ++sequence;
      var url = box.dataset.suggestUrl + "?lang=" + encodeURIComponent(box.dataset.lang) +
        "&limit=" + LIMIT +
        // The flow lets the server count this search once per pause, not per key.
        (box.dataset.flow ? "&flow=" + encodeURIComponent(box.dataset.flow) : "") +
        "&q=" + encodeURIComponent(text);
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("suggest answered " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (mine === sequence) show(body.results || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError" && mine === sequence) close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        if (!options.length) return;
        event.preventDefault();
        if (!open) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        setActive(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        if (!open) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          window.location.assign(options[active].dataset.href);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

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

  document.querySelectorAll(".combobox").forEach(setupCombobox);
  var ticketForm = document.getElementById("ticket-form");
  if (ticketForm) setupCampaignFields(ticketForm);
})();
