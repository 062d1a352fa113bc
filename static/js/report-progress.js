/*
 * The progress of a report being made in the background: each element with `data-progress-url` asks the server
 * every two seconds and moves its bar; when the version is done (or failed) the page reloads to show its files.
 * Without JavaScript the page says to reload it and prints the figure, and the server does the same work.
 */
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    var bar = box.querySelector(".progress-bar");
    var step = box.querySelector("[data-step]");
    // The server's figure, drawn here: the CSP refuses a style="width: ..." attribute (issue 11 §3).
    bar.style.width = box.querySelector("[aria-valuenow]").getAttribute("aria-valuenow") + "%";
    function poll() {
      fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          bar.style.width = data.progress + "%";
          bar.textContent = data.progress + "%";
          bar.setAttribute("aria-valuenow", data.progress);
          if (step) { step.textContent = data.step || data.label; }
          if (data.state === "done" || data.state === "failed") { window.location.reload(); return; }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
