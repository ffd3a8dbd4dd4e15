// Forms: after a refused submit, move the focus to the error summary so a screen reader reads
// it out and Tab continues from there. Without JavaScript the summary is still the first thing
// in the form.
// After an action that worked (saved, deleted, published, logged out) its message is what the
// page has to say: the focus goes to it, because a live region that is already on the page when
// it loads is not read out (WCAG 2.4.3, 4.1.3). Not where the page opens at a cell of the roster
// grid: grid.js brings the focus back to that cell's edit link itself. Any other fragment does not
// stop it: a field's (#person), left in the address by an error summary's link, goes along with
// the form's post and its redirect to a page where no such field waits for the focus.
(function () {
  "use strict";
  // As grid.js decides: the fragment names a grid cell on this page that has an edit link.
  function returnsToCell() {
    var id = window.location.hash.slice(1);
    var cell = id.indexOf("cel-") === 0 && document.getElementById(id);
    return Boolean(cell && cell.querySelector("a.edit"));
  }

  // Where the address names a field (#person, kept from an error summary's link when the form
  // was sent again), the browser gives that field the focus after this script has run: the
  // focus goes back to what the page has to say once the page has loaded.
  function focusFirst(target) {
    target.focus();
    var id = window.location.hash.slice(1);
    if (!id) { return; }
    window.addEventListener("load", function () {
      var moved = document.activeElement;
      if (moved && moved !== target && moved === document.getElementById(id)) { target.focus(); }
    }, { once: true });
  }

  var active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) { return; }
  // (#conflict: a save or decision refused because someone changed the same data meanwhile.)
  var summary = document.querySelector(".error-summary, #conflict");
  if (summary) {
    focusFirst(summary);
    return;
  }
  var messages = document.querySelector("main .flashes");
  if (!messages || returnsToCell()) { return; }
  messages.setAttribute("tabindex", "-1");
  focusFirst(messages);
})();
