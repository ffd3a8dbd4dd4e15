// Roster grid: after a cell was saved the page opens at that cell (#cel-<employee>-<date>); after a
// day's team leader was chosen, at that place's leader entry in the footer
// (#cel-leider-<team>-<date>-<place>). The keyboard focus goes back to its edit link, so nobody tabs through the whole grid again,
// and a screen reader reads the saved message with it (the message was on the page at load,
// where a live region is not announced). Sighted users see the message too: a copy of it, and of
// the day headers when those are out of sight, just above the edited row.
(function () {
  "use strict";
  var motion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  var MARGIN = 8;  // px kept between the top of the window and what the page opens at

  // A focused link in a scrolling table, partly outside the box: the browser scrolls an element
  // into view only when it is wholly hidden, so scroll-padding never applies and the focus ring
  // is cut at the edge (WCAG 2.4.7). Scroll the box so the element is in view with the padding,
  // clear of the sticky name column.
  function showInBox(target) {
    var box = target.closest && target.closest(".table-scroll");
    if (!box || box === target || box.scrollWidth <= box.clientWidth) { return; }
    var style = window.getComputedStyle(box);
    var before = parseFloat(style.scrollPaddingLeft) || 0;
    var after = parseFloat(style.scrollPaddingRight) || 0;
    var cell = target.closest("td, th");
    var row = cell && cell.parentNode;
    var first = row && row.cells ? row.cells[0] : null;
    if (cell && window.getComputedStyle(cell).position === "sticky") { return; }  // never scrolls out
    if (first && first !== cell && window.getComputedStyle(first).position === "sticky") {
      before = Math.max(before, first.getBoundingClientRect().width + MARGIN);
    }
    var outer = box.getBoundingClientRect();
    var left = outer.left + box.clientLeft + before;
    var right = outer.left + box.clientLeft + box.clientWidth - after;
    var shown = target.getBoundingClientRect();
    var move = 0;
    if (shown.right > right) { move = shown.right - right; }
    if (shown.left - move < left) { move = shown.left - left; }  // too wide for both: its start
    if (Math.abs(move) < 1) { return; }
    box.scrollBy({ left: move, behavior: motion && motion.matches ? "auto" : "smooth" });
  }

  document.addEventListener("focusin", function (event) { showInBox(event.target); });

  var id = window.location.hash.slice(1);
  if (id.indexOf("cel-") !== 0) { return; }
  var cell = document.getElementById(id);
  var link = cell && cell.querySelector("a.edit");
  if (!link) { return; }
  var messages = document.querySelectorAll(".flashes .flash");
  var message = messages[0];
  if (message) {
    link.setAttribute("aria-describedby", message.id);
    link.addEventListener("blur", function () { link.removeAttribute("aria-describedby"); }, { once: true });
  }

  function rowAbove(row, className) {
    var added = document.createElement("tr");
    added.className = className;
    // A copy for the eye: the screen reader hears the message with the focused link already.
    added.setAttribute("aria-hidden", "true");
    insertAbove(row, added);
    return added;
  }

  // Above a leader entry's footer row: at the end of the body, so the footer keeps its own row only.
  function insertAbove(row, added) {
    var section = row.parentNode;
    var bodies = section.parentNode.tBodies;
    if (section.tagName === "TFOOT" && bodies.length) {
      bodies[bodies.length - 1].appendChild(added);
    } else {
      section.insertBefore(added, row);
    }
  }

  // The message, just above the edited row; the day headers too when they are out of sight.
  // Returns the element to bring to the top of the window.
  function showNote() {
    var row = cell.closest("tr");  // a leader entry is a part of its footer cell
    var table = cell.closest("table");
    var head = table.tHead && table.tHead.rows[0];
    if (!messages.length || !head) { return null; }
    var note = rowAbove(row, "saved-note");
    var td = document.createElement("td");
    td.colSpan = row.cells.length;
    var text = document.createElement("div");
    text.className = "saved-note-text";
    Array.prototype.forEach.call(messages, function (shown) {
      // Text only: nothing focusable in a hidden copy. Not .flash: that is the message itself.
      var copy = document.createElement("p");
      copy.className = shown.className.replace(/\bflash-/g, "note-").replace(/\bflash\b/g, "saved-note-message");
      copy.textContent = shown.textContent;
      text.appendChild(copy);
    });
    td.appendChild(text);
    note.appendChild(td);
    // The table's own caption and headers, when they fit on screen with the edited row.
    var top = (table.caption || head).getBoundingClientRect().top;
    if (row.getBoundingClientRect().bottom - top + 2 * MARGIN <= window.innerHeight) {
      return table.caption || head;
    }
    var days = head.cloneNode(true);
    days.className = "saved-note-days";
    days.setAttribute("aria-hidden", "true");
    insertAbove(row, days);
    return note;
  }

  // After the load: the browser's own move to the fragment (a cell, not focusable) comes first.
  window.addEventListener("load", function () {
    var start = showNote();
    if (start) {
      window.scrollBy(0, start.getBoundingClientRect().top - MARGIN);
      var below = link.getBoundingClientRect().bottom + MARGIN - window.innerHeight;
      if (below > 0) { window.scrollBy(0, below); }  // many messages: the focused link comes first
      link.focus({ preventScroll: true });
    } else {
      link.focus();
    }
  });
})();
