// Role forms (/staff/people/): show only the scope fields the chosen role uses.
// Without JavaScript every field is shown with its help text, and the service
// refuses a scope that does not fit the role.
(function () {
  "use strict";
  var USES = {
    facilitator: ["process"],
    official: ["department", "section", "approver"],
    admin: []
  };
  document.querySelectorAll("form [data-role-select]").forEach(function (select) {
    var form = select.form;
    function update() {
      var wanted = USES[select.value] || [];
      form.querySelectorAll("[data-scope-field]").forEach(function (field) {
        field.hidden = wanted.indexOf(field.getAttribute("data-scope-field")) < 0;
      });
    }
    select.addEventListener("change", update);
    update();
  });
})();
