// Forms: after a refused submit, move the focus to the error summary so a screen reader reads
// it out and Tab continues from there. Without JavaScript the summary is still the first thing
// in the form.
// After an action that worked (saved, deleted, published, logged out) its message is what the
// page has to say: the focus goes to it, because a live region that is already on the page when
// it loads is not read out (WCAG 2.4.3, 4.1.3). Not where the page opens at a fragment: the
// roster grid brings the focus back to the edited cell itself (grid.js).
(function () {
  "use strict";
  var active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) { return; }
  // (#conflict: a save or decision refused because someone changed the same data meanwhile.)
  var summary = document.querySelector(".error-summary, #conflict");
  if (summary) {
    summary.focus();
    return;
  }
  var messages = document.querySelector("main .flashes");
  if (!messages || window.location.hash) { return; }
  messages.setAttribute("tabindex", "-1");
  messages.focus();
})();
