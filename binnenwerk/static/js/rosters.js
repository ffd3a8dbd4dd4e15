// Rosters: live progress of a solve job. Without JavaScript the page has a "Vernieuwen" link.
(function () {
  "use strict";
  var box = document.getElementById("job");
  var FOCUS_KEY = "binnenwerk-job-done";
  if (box && box.getAttribute("data-done") === "true") {
    // Reloaded because the job ended while the page was open: read out the result (or the error).
    var result = document.getElementById("job-result") || document.getElementById("job-error");
    try {
      if (result && window.sessionStorage.getItem(FOCUS_KEY) === box.getAttribute("data-status-url")) {
        result.focus();
      }
      window.sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { /* storage off: the result is still on the page */ }
  }
  // A finished job's page is final: polling it would reload it every second.
  if (!box || !window.fetch || box.getAttribute("data-done") === "true") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var label = document.getElementById("job-label");
  var elapsed = document.getElementById("job-elapsed");
  var refresh = document.getElementById("job-refresh");
  if (refresh) { refresh.hidden = true; }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress;
        bar.textContent = Math.round(s.progress * 100) + "%";
        if (label.textContent !== s.label) { label.textContent = s.label; }  // announced only when it changes
        elapsed.textContent = s.detail;
        if (s.done) {
          try { window.sessionStorage.setItem(FOCUS_KEY, url); } catch (e) { /* no storage: no focus move */ }
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { if (refresh) { refresh.hidden = false; } });
  }
  window.setTimeout(poll, 1000);
})();
