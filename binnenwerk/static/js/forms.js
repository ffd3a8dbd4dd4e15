// Forms: after a refused submit, move the focus to the error summary so a screen reader reads
// it out and Tab continues from there. Without JavaScript the summary is still the first thing
// in the form.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  var active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) { return; }
  summary.focus();
})();
