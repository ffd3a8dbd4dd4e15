// The warning before a logout (WCAG 2.2.1 Timing Adjustable). The server ends a login after
// SESSION_IDLE_MINUTES without a request, and any login after SESSION_MAX_HOURS. Two minutes
// before, this opens the dialog of base.html; "Ingelogd blijven" tells the server (a POST, which
// counts as activity). Before the dialog opens, the page asks the server how long is left (a GET,
// which does not count): another tab may have kept the login meanwhile, and while the warning is
// open the page keeps asking, so it closes when another tab keeps the login. Typing in a form
// keeps the login too (at most once in five minutes, or a quarter of the idle time when shorter):
// someone typing a long text is not idle.
// When the time is up (the server answers 401) the dialog says so, and that what was typed is
// still on the page; it no longer blocks the page, so the text can be copied, and closing it
// leaves a line with the link to log in again at the top of the page. Its words come with the
// server's answers (in the reader's language), so they are not on every page. Lying over the
// page's foot, it keeps its height free there, so no field with the focus hides behind it.
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var WARN = 120 * 1000;
  var LOOK_AGAIN = 15 * 1000;
  var firstLeft = Number(dialog.getAttribute("data-left"));
  var TYPING_KEEPS = Math.min(5 * 60 * 1000, firstLeft * 1000 / 4);
  var url = dialog.getAttribute("data-url");
  var token = dialog.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var kept = Date.now();
  var state = null;
  var before = null;
  var texts = null;
  var lifetimeSeen = false;  // "save now" closed: not opened again every look until the end
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
    if (dialog.open && when === "gone" && dialog.matches(":modal")) {
      dialog.close();  // opened again below without blocking the page
    }
    if (!dialog.open) {
      if (before === null) { before = document.activeElement; }
      if (when === "gone") { dialog.show(); } else { dialog.showModal(); }
    }
    keepFootFree();
    var first = dialog.querySelector("button:not([hidden]), a:not([hidden])");
    if (first) { first.focus(); }
  }

  function close() {
    var was = state;
    state = null;
    if (dialog.open) { dialog.close(); }
    keepFootFree();
    if (was === "gone") { goneLine(); }
    if (was === "lifetime") { lifetimeSeen = true; }
    if (before && before.focus) { before.focus(); }
    before = null;
  }

  // After the logged-out dialog is closed: its news and link stay at the top of the page.
  function goneLine() {
    if (document.getElementById("session-gone")) { return; }
    var line = document.createElement("p");
    line.id = "session-gone";
    line.className = "flash flash-info";
    line.setAttribute("role", "status");
    line.appendChild(document.createTextNode(texts.gone_title + ". "));
    var link = document.createElement("a");
    link.href = loginLink.href;
    link.textContent = texts.login;
    line.appendChild(link);
    var main = document.querySelector("main") || document.body;
    main.insertBefore(line, main.firstChild);
  }

  // The logged-out dialog does not block the page, so people tab on behind it; on a phone it
  // covers half the screen (WCAG 2.4.11: a field with the focus must not be hidden). While it is
  // open the page keeps its height free at the foot (app.css: the root's scroll padding, the
  // body's padding, so the last fields can be scrolled above it).
  function keepFootFree() {
    var root = document.documentElement;
    if (!dialog.open || dialog.matches(":modal")) {
      root.classList.remove("session-gone-open");
      root.style.removeProperty("--session-warning-space");
      return;
    }
    var space = window.innerHeight - dialog.getBoundingClientRect().top;
    root.style.setProperty("--session-warning-space", Math.ceil(Math.max(space, 0)) + "px");
    root.classList.add("session-gone-open");
  }

  // A field that gets the focus behind the open dialog is scrolled up, clear of it, as far as
  // the screen allows: its top stays in sight when it is taller than the room above the dialog.
  function uncover(event) {
    var target = event.target;
    if (!dialog.open || dialog.matches(":modal") || dialog.contains(target) || !target.getBoundingClientRect) { return; }
    var over = dialog.getBoundingClientRect();
    var box = target.getBoundingClientRect();
    var covered = box.bottom > over.top && box.top < over.bottom && box.right > over.left && box.left < over.right;
    if (!covered) { return; }
    var MARGIN = 12;  // the focus ring (5 px around the field) clear of the dialog as well
    window.scrollBy(0, Math.max(0, Math.min(box.bottom - over.top + MARGIN, box.top - MARGIN)));
  }

  function later(milliseconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, milliseconds));
    dialog.setAttribute("data-next", String(Date.now() + Math.max(0, milliseconds)));  // when it looks again
  }

  // Plan the next look: two minutes before the end.
  function plan(left) {
    var end = left * 1000;
    later(end > WARN ? end - WARN : end);
  }

  function ask(method) {
    var options = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (method === "POST") { options.headers["X-CSRFToken"] = token; }
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {  // logged out: the only answer that says so
        return response.json().catch(function () { return {}; }).then(function (found) {
          found.gone = true;
          return found;
        });
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
      if (found.gone) {
        if (state !== "gone") { show("gone"); }
        return;
      }
      if (found.left * 1000 > WARN + 5000) {
        if (state === "idle" || state === "lifetime") { close(); }  // kept in another tab meanwhile
        plan(found.left);
        return;
      }
      if (state === null && (found.extend || !lifetimeSeen)) { show(found.extend ? "idle" : "lifetime"); }
      // Look again soon: at the end (a second after, as the server counts it), or earlier, in
      // case another tab keeps the login.
      later(Math.min(Math.max(found.left, 1) * 1000 + 1000, LOOK_AGAIN));
    }).catch(function () {
      later(30 * 1000);  // the server could not be asked: ask again soon, say nothing yet
    });
  }

  function stay() {
    kept = Date.now();
    ask("POST").then(function (found) {
      if (found.gone) {
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
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    var was = state;
    close();
    if (was === "idle") { stay(); }
  });
  document.addEventListener("focusin", uncover);
  dialog.addEventListener("close", keepFootFree);
  window.addEventListener("resize", keepFootFree);
  if (window.ResizeObserver) { new ResizeObserver(keepFootFree).observe(dialog); }
  document.addEventListener("input", function () {
    if (state === null && Date.now() - kept > TYPING_KEEPS) { stay(); }
  });

  plan(firstLeft);
})();
