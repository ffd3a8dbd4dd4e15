// Teams pages: show the part-of-day times only when "whole day" is off. The page works without this.
(function () {
  "use strict";
  var wholeDay = document.getElementById("whole_day");
  var part = document.querySelector("[data-part-of-day]");
  if (wholeDay && part) {
    // A time the page refused stays in sight (its error, and the summary's link to it, must lead to
    // a box one can see and mend), until the user ticks or unticks "whole day" again.
    var refused = part.querySelector('[aria-invalid="true"]') !== null;
    var sync = function () { part.hidden = wholeDay.checked && !refused; };
    wholeDay.addEventListener("change", function () { refused = false; sync(); });
    sync();
  }
})();
