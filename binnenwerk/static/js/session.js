// The warning before a logout (WCAG 2.2.1 Timing Adjustable). The server ends a login after
// SESSION_IDLE_MINUTES without a request, and any login after SESSION_MAX_HOURS. Two minutes
// before, this opens the dialog of base.html; "Ingelogd blijven" tells the server (a POST, which
// counts as activity). Before the dialog opens, the page asks the server how long is left (a GET,
// which does not count): another tab may have kept the login meanwhile. Typing in a form keeps the
// login too, at most once in five minutes: someone typing a long text is not idle.
// When the time is up the dialog says so, and that what was typed is still on the page. Its words
// come with the server's answers (in the reader's language), so they are not on every page.
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
  var texts = null;
  var title = document.getElementById("session-warning-title");
  var text = document.getElementById("session-warning-text");
  var stayButton = dialog.querySelector("[data-stay]");
  var closeButton = dialog.querySelector("[data-close]");
  var loginLink = dialog.querySelector("[data-login]");

  // when: "idle" (stay or close), "lifetime" (no staying: save now), "gone" (logged out).
  function show(when) {
    if (!texts) { return; }
    state = when;
    title.textContent = when === "gone" ? texts.gone_title : texts.title;
    text.textContent = texts[when];
    stayButton.textContent = texts.stay;
    closeButton.textContent = texts.close;
    loginLink.textContent = texts.login;
    stayButton.hidden = when !== "idle";
    closeButton.hidden = when === "idle";
    loginLink.hidden = when !== "gone";
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
    dialog.setAttribute("data-next", String(Date.now() + Math.max(0, milliseconds)));  // when it looks again
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
      if (response.status === 401) {
        return response.json().catch(function () { return {left: 0, extend: false}; });
      }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (found) {
      texts = found.texts || texts;
      return found;
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
    if (button === stayButton) { stay(); } else { close(); }
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
