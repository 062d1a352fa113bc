/*
 * The admin's autocomplete fields (select2, vendored by Django) name their combobox only by the span showing the
 * chosen value, empty on an add form: axe's aria-input-field-name (issue 12 §8). Each combobox is named by its
 * field's <label> and its value, and the value's span by the label. Loaded with `defer`, so its handlers come after
 * those of Django's autocomplete.js (a plain script in the form's media) and run once select2 is set up: on jQuery's
 * ready and for each inline row added.
 */
(function () {
  "use strict";

  function nameWithin(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var combobox = select.parentNode.querySelector('.select2-selection[role="combobox"]');
      var value = combobox && combobox.querySelector('[role="textbox"]');
      if (!label || !combobox || !value) {
        return;
      }
      label.id = label.id || select.id + "-label";
      combobox.setAttribute("aria-labelledby", label.id + " " + value.id);
      value.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    });
  }

  if (!window.django || !window.django.jQuery) {
    return;  // no form with autocomplete fields on this page
  }
  window.django.jQuery(function () { nameWithin(document); });
  document.addEventListener("formset:added", function (event) { nameWithin(event.target); });
})();
