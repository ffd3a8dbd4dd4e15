// Roster grid: after a cell was saved the page opens at that cell (#cel-<employee>-<date>). The
// keyboard focus goes back to the cell's edit link, so nobody tabs through the whole grid again,
// and a screen reader reads the saved message with it (the message was on the page at load,
// where a live region is not announced).
(function () {
  "use strict";
  var id = window.location.hash.slice(1);
  if (id.indexOf("cel-") !== 0) { return; }
  var cell = document.getElementById(id);
  var link = cell && cell.querySelector("a.edit");
  if (!link) { return; }
  var message = document.querySelector(".flashes .flash");
  if (message) {
    link.setAttribute("aria-describedby", message.id);
    link.addEventListener("blur", function () { link.removeAttribute("aria-describedby"); }, { once: true });
  }
  // After the load: the browser's own move to the fragment (a cell, not focusable) comes first.
  window.addEventListener("load", function () { link.focus(); });
})();
