/*
 * Ask before an action that cannot be undone: a form (or its submit button) with `data-confirm="question"`
 * is sent only if the user answers OK to the question. The text comes from the template, so it is translated
 * with the page; no inline script is needed (Content-Security-Policy friendly). Without JavaScript the form is
 * simply sent, and the server still checks every action.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset && submitter.dataset.confirm) || (form.dataset && form.dataset.confirm);
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
