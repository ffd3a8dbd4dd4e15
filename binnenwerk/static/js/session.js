// The warning before a logout (WCAG 2.2.1 Timing Adjustable). The server ends a login after
// SESSION_IDLE_MINUTES without a request, and any login after SESSION_MAX_HOURS. Two minutes
// before, this opens the dialog of base.html; "Ingelogd blijven" tells the server (a POST, which
// counts as activity). Before the dialog opens, the page asks the server how long is left (a GET,
// which does not count): another tab may have kept the login meanwhile. Typing in a form keeps the
// login too, at most once in five minutes: someone typing a long text is not idle.
// When the time is up the dialog says so, and that what was typed is still on the page.
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var WARN = 120 * 1000;
  var TYPING_KEEPS = 5 * 60 * 1000;
  var url = dialog.getAttribute("data-url");
  var token = dialog.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var kept = Date.now();
  var state = null;
  var before = null;

  function show(when) {
    state = when;
    Array.prototype.forEach.call(dialog.querySelectorAll("[data-when]"), function (element) {
      element.hidden = element.getAttribute("data-when").split(" ").indexOf(when) < 0;
    });
    if (!dialog.open) {
      before = document.activeElement;
      dialog.showModal();
    }
    var first = dialog.querySelector("button:not([hidden]), a:not([hidden])");
    if (first) { first.focus(); }
  }

  function close() {
    state = null;
    if (dialog.open) { dialog.close(); }
    if (before && before.focus) { before.focus(); }
  }

  function later(milliseconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, milliseconds));
  }

  // Plan the next look: two minutes before the end, or at the end once warned.
  function plan(left) {
    var end = left * 1000;
    later(end > WARN ? end - WARN : end);
  }

  function ask(method) {
    var options = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (method === "POST") { options.headers["X-CSRFToken"] = token; }
    return fetch(url, options).then(function (response) {
      if (response.status === 401) { return {left: 0, extend: false}; }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    });
  }

  function check() {
    ask("GET").then(function (found) {
      if (found.left <= 0) {
        show("gone");
        return;
      }
      if (found.left * 1000 > WARN + 5000) {
        if (state === "idle") { close(); }  // kept in another tab meanwhile
        plan(found.left);
        return;
      }
      if (state === null) { show(found.extend ? "idle" : "lifetime"); }
      later(found.left * 1000);
    }).catch(function () {
      later(30 * 1000);  // the server could not be asked: ask again soon, say nothing yet
    });
  }

  function stay() {
    kept = Date.now();
    ask("POST").then(function (found) {
      if (found.left <= 0) {
        show("gone");
        return;
      }
      if (state === "idle") { close(); }
      plan(found.left);
    }).catch(function () {
      later(30 * 1000);
    });
  }

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-stay")) { stay(); } else { close(); }
  });
  // Escape closes the dialog; someone who pressed it is here, so the login is kept as well.
  dialog.addEventListener("cancel", function () {
    if (state === "idle") {
      state = null;
      stay();
    } else {
      state = null;
    }
  });
  document.addEventListener("input", function () {
    if (state === null && Date.now() - kept > TYPING_KEEPS) { stay(); }
  });

  plan(Number(dialog.getAttribute("data-left")));
})();
