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

// The language button sends the page away and back (main.set_language redirects to a GET of it):
// without this, what was typed in the page's forms is gone, the more so after a refused submit,
// whose page showed the typed values. When the button is pressed on a page with typed or refused
// input, the values go to this tab's sessionStorage under the page the button leads back to; the
// page that opens next takes them out at once (whatever page it is) and, when it is that page,
// puts them back and says so in its own language (main's data-kept-message). Never kept: password
// and file fields, hidden fields (csrf_token, next, versions), and no form or part of one marked
// data-no-keep (special-category data: the sensitive form, absences, a job coach; passwords, codes). Without JavaScript the button works as before.
(function () {
  "use strict";
  var PREFIX = "binnenwerk.kept:";
  var main = document.querySelector("main");
  var store;
  try { store = window.sessionStorage; } catch (error) { return; }
  if (!main || !store || !window.JSON) { return; }
  var SKIPPED = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  function here() { return window.location.pathname + window.location.search; }

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      var tag = field.tagName.toLowerCase();
      if (!field.name || field.disabled) { return false; }
      if (field.closest && field.closest("[data-no-keep]")) { return false; }  // a part marked so (a job coach)
      if (tag === "select" || tag === "textarea") { return true; }
      return tag === "input" && SKIPPED.indexOf(field.type) === -1;
    });
  }

  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName.toLowerCase() === "select") {
      return Array.prototype.some.call(field.options, function (option) { return option.selected !== option.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  // Per name, in the page's order: the text of each box, the value of each ticked box or choice.
  function values(fields) {
    var found = {};
    fields.forEach(function (field) {
      var list = found[field.name] || (found[field.name] = []);
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { list.push(field.value); }
      } else if (field.tagName.toLowerCase() === "select") {
        Array.prototype.forEach.call(field.selectedOptions, function (option) { list.push(option.value); });
      } else {
        list.push(field.value);
      }
    });
    return found;
  }

  function forms() { return Array.prototype.slice.call(main.querySelectorAll("form")); }

  function which(form, index) { return [index, form.method, form.id, form.className].join("|"); }

  function keep(event) {
    if (!event.target.matches || !event.target.matches("form.lang-switch")) { return; }
    var refused = main.querySelector(".error-summary, #conflict, [aria-invalid='true']") !== null;
    var kept = [];
    forms().forEach(function (form, index) {
      if (form.hasAttribute("data-no-keep")) { return; }
      var fields = keptFields(form);
      if (!fields.length) { return; }
      if ((refused && form.method === "post") || fields.some(changed)) {
        kept.push({form: which(form, index), values: values(fields)});
      }
    });
    if (!kept.length) { return; }
    var back = event.target.querySelector("input[name=next]");
    var page = back && back.value.charAt(0) === "/" ? back.value : here();
    try { store.setItem(PREFIX + page, JSON.stringify(kept)); } catch (error) { /* full or refused: not kept */ }
  }

  // Whether anything changed: values the page shows already are no news.
  function restore(form, kept) {
    var fields = keptFields(form).filter(function (field) {
      return Object.prototype.hasOwnProperty.call(kept, field.name);
    });
    var before = JSON.stringify(values(fields));
    var seen = {};
    fields.forEach(function (field) {
      var list = kept[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = list.indexOf(field.value) !== -1;
      } else if (field.tagName.toLowerCase() === "select") {
        var known = Array.prototype.some.call(field.options, function (option) { return list.indexOf(option.value) !== -1; });
        if (!known && !field.multiple) { return; }  // a choice no longer offered: left as it is
        Array.prototype.forEach.call(field.options, function (option) { option.selected = list.indexOf(option.value) !== -1; });
      } else {
        var nth = seen[field.name] || 0;
        seen[field.name] = nth + 1;
        if (nth < list.length) { field.value = list[nth]; }
      }
    });
    if (JSON.stringify(values(fields)) === before) { return false; }
    fields.forEach(function (field) { field.dispatchEvent(new Event("change", {bubbles: true})); });
    return true;
  }

  // Polite, and filled in a moment after it is on the page: a live region that already has its
  // words when it appears is often not read out. The focus stays where it is.
  function announce() {
    var message = main.getAttribute("data-kept-message");
    if (!message) { return; }
    var line = document.createElement("p");
    line.id = "kept-input";
    line.className = "flash flash-info";
    line.setAttribute("role", "status");
    main.insertBefore(line, main.firstChild);
    setTimeout(function () { line.textContent = message; }, 250);
  }

  var entry = null;
  try {
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        if (key === PREFIX + here()) { entry = store.getItem(key); }
        store.removeItem(key);
      }
    }
  } catch (error) { entry = null; }
  document.addEventListener("submit", keep);
  if (!entry) { return; }
  var kept;
  try { kept = JSON.parse(entry); } catch (error) { return; }
  var now = forms();
  var restored = false;
  (Array.isArray(kept) ? kept : []).forEach(function (one) {
    var index = parseInt(String(one.form).split("|")[0], 10);
    var form = now[index];
    // The same form, or none: a page whose forms changed meanwhile gets nothing.
    if (!form || which(form, index) !== one.form || form.hasAttribute("data-no-keep")) { return; }
    if (restore(form, one.values || {})) { restored = true; }
  });
  if (restored) { announce(); }
})();
