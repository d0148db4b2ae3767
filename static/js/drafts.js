// Draft answers: autosave a few seconds after typing stops, through the same
// service as the Save button (which keeps working without JavaScript). The
// status line (aria-live) says when the draft was saved; a stale version (someone
// else saved meanwhile) stops the autosave, and the Save button then shows both
// texts side by side.
(function () {
  "use strict";

  function setup(form) {
    var url = form.getAttribute("data-autosave-url");
    var delay = parseInt(form.getAttribute("data-autosave-delay"), 10) || 3000;
    var status = form.querySelector("[data-draft-status]");
    var version = form.querySelector("input[name=version]");
    var timer = null;
    var busy = false;
    var again = false;
    var stopped = false;

    function say(text) {
      if (status) status.textContent = text;
    }

    function syncVersion(value) {
      if (version) version.value = value;
      document.querySelectorAll("[data-draft-version]").forEach(function (input) {
        input.value = value;
      });
    }

    function save() {
      timer = null;
      if (stopped) return;
      if (busy) { again = true; return; }
      busy = true;
      say(form.getAttribute("data-label-saving"));
      var data = new FormData(form);
      data.delete("use_template");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      }).then(function (result) {
        if (result.ok) {
          syncVersion(result.body.version);
          say(result.body.message);
        } else {
          if (result.status === 409 || result.status === 403) stopped = true;
          say(result.body.error || form.getAttribute("data-label-error"));
        }
      }).catch(function () {
        say(form.getAttribute("data-label-error"));
      }).then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
    }

    function schedule() {
      if (stopped) return;
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      stopped = true;
      if (timer) window.clearTimeout(timer);
    });
  }

  function init() {
    document.querySelectorAll("form[data-draft-autosave]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
