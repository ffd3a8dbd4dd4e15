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
  var waiting = document.getElementById("job-waiting");
  var offline = box.getAttribute("data-offline") || "";
  if (refresh) { refresh.hidden = true; }
  // Pauses between polls: 1 s while answers come; after a failed one (a restart, a 503, the
  // network) twice as long each time, up to 30 s, until answers come back.
  var INTERVAL = 1000;
  var LONGEST = 30000;
  var pause = INTERVAL;

  function showNote(text) {
    // The note that no planning server has taken the job yet (the job's message while it waits).
    if (!waiting) { return; }
    var shown = waiting.firstElementChild;
    if (!text) {
      if (shown) { waiting.removeChild(shown); }
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "flash flash-warning";
      waiting.appendChild(shown);
    }
    if (shown.textContent !== text) { shown.textContent = text; }
  }

  function answered(s) {
    pause = INTERVAL;
    if (refresh) { refresh.hidden = true; }
    bar.value = s.progress;
    bar.textContent = Math.round(s.progress * 100) + "%";
    if (label.textContent !== s.label) { label.textContent = s.label; }  // announced only when it changes
    elapsed.textContent = s.detail;
    if (s.done) {
      try { window.sessionStorage.setItem(FOCUS_KEY, url); } catch (e) { /* no storage: no focus move */ }
      window.location.reload();
      return;
    }
    showNote(s.error);
    window.setTimeout(poll, pause);
  }

  function failed() {
    // Say so in the live region, keep the page's link to reload by hand, and try again later.
    if (offline && label.textContent !== offline) { label.textContent = offline; }
    if (refresh) { refresh.hidden = false; }
    pause = Math.min(pause * 2, LONGEST);
    window.setTimeout(poll, pause);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(answered)
      .catch(failed);
  }
  window.setTimeout(poll, INTERVAL);
})();
