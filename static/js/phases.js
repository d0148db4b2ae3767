// The process setup form's timeline (participation/spaces/forms.py); the form
// works without this file. It adds phase rows from the <template>, and mirrors
// the kind -> flags table of participation/spaces/phases.py (given in
// data-phase-rules): a flag a kind requires is ticked and locked, one it forbids
// is cleared and disabled. The server checks the same table again.
(function () {
  "use strict";
  var timeline = document.querySelector("[data-phase-rules]");
  if (!timeline) { return; }
  var FLAGS = ["allows_proposing", "allows_supporting", "allows_commenting"];
  var rules = {};
  timeline.getAttribute("data-phase-rules").split(";").forEach(function (entry) {
    var parts = entry.split(":");
    if (parts.length === 2) { rules[parts[0]] = parts[1].split(","); }
  });

  function locked(event) {
    if (event.currentTarget.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
    }
  }

  function apply(row, fromUser) {
    var select = row.querySelector("[data-phase-kind]");
    if (!select) { return; }
    var rule = rules[select.value];
    FLAGS.forEach(function (flag, index) {
      var box = row.querySelector('[data-phase-flag="' + flag + '"]');
      if (!box) { return; }
      var opens = rule ? rule[index] : "optional";
      box.disabled = opens === "forbidden";
      if (opens === "forbidden") { box.checked = false; }
      if (opens === "required") { box.checked = true; }
      // A required box stays submitted (a disabled one would not be).
      box.setAttribute("aria-disabled", opens === "required" ? "true" : "false");
      if (fromUser && opens === "optional" && rule) { box.checked = true; }
    });
  }

  function wire(row) {
    var select = row.querySelector("[data-phase-kind]");
    if (!select) { return; }
    select.addEventListener("change", function () { apply(row, true); });
    row.querySelectorAll("[data-phase-flag]").forEach(function (box) {
      box.addEventListener("click", locked);
    });
    apply(row, false);
  }

  var rows = timeline.querySelector("[data-phase-rows]");
  rows.querySelectorAll("[data-phase-row]").forEach(wire);

  var template = timeline.querySelector("[data-phase-template]");
  var add = timeline.querySelector("[data-phase-add]");
  var total = timeline.querySelector('input[name="phases-TOTAL_FORMS"]');
  var max = timeline.querySelector('input[name="phases-MAX_NUM_FORMS"]');
  if (!template || !add || !total) { return; }
  add.hidden = false;
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { add.disabled = true; return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    wire(row);
    var first = row.querySelector("select, input:not([type=hidden])");
    if (first) { first.focus(); }
  });
})();
