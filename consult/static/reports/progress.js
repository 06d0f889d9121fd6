// Report page: while a report is being built, ask for its progress every few seconds and show it;
// when the build ends, reload the page so that it offers the downloads (or the error and "Try again").
// Without JavaScript the page has a "Check again" link instead.
(function () {
  "use strict";
  var region = document.getElementById("report-progress");
  if (!region || region.getAttribute("data-done") !== "false" || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-progress-url");
  var text = region.querySelector("[data-progress-text]");
  var bar = region.querySelector("progress");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.text && text) { text.textContent = state.text; }
        if (bar) { bar.value = state.progress; bar.textContent = state.progress + "%"; }
        if (state.done) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
