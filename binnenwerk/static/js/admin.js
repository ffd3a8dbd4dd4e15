// Admin user form: show the ministry and team fields only for the role that uses them.
// Without JavaScript every field stays visible and the server explains what does not fit.
(function () {
  "use strict";
  var form = document.querySelector("form[data-user-form]");
  if (!form) { return; }
  var role = form.querySelector("select[name=role]");
  if (!role) { return; }

  function update() {
    form.querySelectorAll("[class*='for-role-']").forEach(function (wrapper) {
      var match = wrapper.className.match(/for-role-([a-z_]+)/);
      var show = match && match[1] === role.value;
      wrapper.hidden = !show;
      // A hidden field is not sent, so it cannot cause an error the user cannot see.
      wrapper.querySelectorAll("select, input").forEach(function (input) { input.disabled = !show; });
    });
  }

  role.addEventListener("change", update);
  update();
}());
