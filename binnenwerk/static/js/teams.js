// Teams pages: show the part-of-day times only when "whole day" is off. The page works without this.
(function () {
  "use strict";
  var wholeDay = document.getElementById("whole_day");
  var part = document.querySelector("[data-part-of-day]");
  if (wholeDay && part) {
    var sync = function () { part.hidden = wholeDay.checked; };
    wholeDay.addEventListener("change", sync);
    sync();
  }
})();
