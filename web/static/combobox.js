// Article suggestions as you type: an ARIA 1.2 combobox with a listbox, used
// by the home and search pages' search field and by the contact page's
// subject. Each page says in data-* attributes where to ask (the suggest API),
// where an article opens, and what to announce. Without this file every
// field is a plain form that still works.
//
// A page can listen for "suggestions" events on the .combobox element: its
// detail is {count, text}, sent after each answer is shown (the contact page
// uses it to offer "None of these answers my question").
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 3;
  var LIMIT = 5;

  function setupCombobox(box) {
    var input = box.querySelector("[role=combobox]");
    var listbox = box.querySelector("[role=listbox]");
    var status = document.getElementById(box.dataset.status);
    var prefix = box.dataset.optionPrefix;
    // The contact page keeps its suggestions in the page; elsewhere they pop up.
    var inline = box.dataset.inline === "true";
    var languageNames = JSON.parse(box.dataset.languageNames || "{}");
    var timer = null;
    var controller = null;
    var sequence = 0; // number of the newest request; older answers are dropped
    var options = [];
    var active = -1;

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

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
      if (box.dataset.keepText) url += "?" + box.dataset.keepText + "=" + encodeURIComponent(input.value.trim());
      return url;
    }

    function announce(count) {
      var message = count === 0 ? box.dataset.msgNone : count === 1 ? box.dataset.msgOne : box.dataset.msgMany;
      status.textContent = message.replace("{count}", String(count));
    }

    function tell(count, text) {
      box.dispatchEvent(new CustomEvent("suggestions", { detail: { count: count, text: text } }));
    }

    function show(results, text) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = prefix + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = articleUrl(result.id);
        option.textContent = result.title; // text only: never the snippet's HTML
        if (result.locale !== box.dataset.lang) {
          // A stand-in for an article missing in the page's language says
          // which language it is in, as the search results page does.
          option.lang = result.locale;
          var badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = languageNames[result.locale] || result.locale;
          option.append(" ", badge);
        }
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
        open();
      } else {
        close();
      }
      announce(options.length);
      tell(options.length, text);
    }

    function clear() {
      if (controller) controller.abort();
      sequence += 1;
      listbox.textContent = "";
      options = [];
      close();
      status.textContent = "";
      tell(-1, "");
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        clear();
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
          if (mine === sequence) show(body.results || [], text);
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
      var isOpen = !listbox.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        if (!options.length) return;
        event.preventDefault();
        if (!isOpen) open();
        setActive(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        if (!isOpen) open();
        setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (isOpen && active >= 0) {
          event.preventDefault();
          window.location.assign(options[active].dataset.href);
        }
      } else if (event.key === "Escape") {
        if (isOpen) {
          event.preventDefault();
          close();
        } else if (!inline) {
          input.value = "";
        }
      }
    });

    input.addEventListener("focus", function () {
      if (inline && options.length) open();
    });

    input.addEventListener("blur", function () {
      // Suggestions that are part of the page stay; a popup closes.
      if (!inline) setTimeout(close, 150);
    });

    // A subject brought along (from a search, or "No" under an article) shows its suggestions at once.
    if (inline && input.value.trim().length >= MIN_CHARS) fetchSuggestions();
  }

  document.querySelectorAll(".combobox").forEach(setupCombobox);
})();
