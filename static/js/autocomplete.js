/*
 * People and unit pickers (core/widgets.py): a <select data-autocomplete-url> holds only the chosen options; Tom Select
 * (vendored, static/vendor/tom-select) turns it into a keyboard-operable combobox that asks the server for at most
 * 20 matches once at least `data-autocomplete-min` characters are typed. The server folds accents, so the latest
 * answer is shown as sent, not filtered again here. The texts come from the widget's data attributes, translated with the
 * page. The script may be included once per picker on a page: each select is set up only once.
 */
(function () {
  "use strict";

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var data = select.dataset;
    var minLength = parseInt(data.autocompleteMin || "2", 10);
    var failed = false;
    var current = {};  // the ids of the latest answer: only they are offered (older answers stay loaded)
    var message = function (text) {
      return function (_data, escape) {
        return '<div class="no-results">' + escape(text) + "</div>";
      };
    };
    var picker = new window.TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      score: function () {
        return function (item) { return current[item.id] ? 1 : 0; };
      },
      maxOptions: 20,
      loadThrottle: 250,
      hidePlaceholder: true,
      closeAfterSelect: !select.multiple,
      plugins: select.multiple ? ["remove_button"] : [],
      onItemAdd: function () {
        // Ready for the next name: the typed text would otherwise stay and list nobody but the one just chosen.
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
      shouldLoad: function (query) {
        return query.trim().length >= minLength;
      },
      load: function (query, callback) {
        var url = new URL(data.autocompleteUrl, window.location.href);
        url.searchParams.set("q", query);
        failed = false;
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) {
              throw new Error(response.statusText);
            }
            return response.json();
          })
          .then(function (body) {
            // Forget earlier answers (the chosen people stay): each query asks the server again.
            picker.clearOptions();
            current = {};
            body.results.forEach(function (item) { current[item.id] = true; });
            callback(body.results);
          })
          .catch(function () {
            failed = true;
            callback();
          });
      },
      render: {
        not_loading: message(data.textMin),
        loading: message(data.textLoading),
        no_results: function (item, escape) {
          return message(failed ? data.textError : data.textEmpty)(item, escape);
        }
      }
    });
    // The combobox is what a screen reader reads: Tom Select moves the <label> to it, and the hidden <select> that
    // still carries the form's value would otherwise be announced as a second, nameless control (axe: select-name).
    select.setAttribute("aria-hidden", "true");
    // Django points the help text at the select (aria-describedby); the combobox is what a screen reader reads.
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) {
      picker.control_input.setAttribute("aria-describedby", describedBy);
    }
    if (select.getAttribute("aria-invalid")) {
      picker.control_input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
  }

  function setUpAll() {
    document.querySelectorAll("select[data-autocomplete-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
