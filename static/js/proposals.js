// Proposal pages: similar proposals while typing a title, one submit per form, CSRF
// tokens for comment forms rendered by the live layer, and the next page of a long
// thread and the next replies of a long sub-thread loaded in place. Every form and link works without this file; it only
// makes them nicer.
(function () {
  "use strict";

  // --- Similar proposals under the title field (aria-live region) ---------------
  function setupSimilar(region) {
    var input = document.getElementById(region.getAttribute("data-similar-for"));
    var baseUrl = region.getAttribute("data-similar-url");
    if (!input || !baseUrl || !window.fetch) { return; }
    var timer = null;
    var controller = null;
    var lastQuery = null;

    function show(html) {
      // Only touch the live region when its content really changes, so screen
      // readers do not announce the same list again on every key press.
      if (region.innerHTML.trim() !== html.trim()) { region.innerHTML = html; }
    }

    function lookUp() {
      var title = input.value.trim();
      if (title === lastQuery) { return; }
      lastQuery = title;
      if (title.length < 4) { show(""); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = baseUrl + (baseUrl.indexOf("?") === -1 ? "?" : "&") +
        "title=" + encodeURIComponent(title);
      fetch(url, {
        credentials: "same-origin",
        headers: { "Accept": "text/html" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(show).catch(function () { /* offline or aborted: keep the form usable */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 350);
    });
  }
  document.querySelectorAll("[data-similar-url]").forEach(setupSimilar);

  // --- CSRF token for forms rendered without one (live fragments) ---------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if ((form.getAttribute("method") || "").toLowerCase() === "post" &&
        !form.querySelector("input[name=csrfmiddlewaretoken]")) {
      var token = csrfToken();
      if (token) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "csrfmiddlewaretoken";
        hidden.value = token;
        form.appendChild(hidden);
      }
    }
    // One submit per form: a double click must not post twice. Buttons stay enabled
    // (a disabled button would drop its name/value from the submission).
    if (form.hasAttribute("data-submit-once")) {
      if (form.getAttribute("data-submitting") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "true");
      form.setAttribute("aria-busy", "true");
      // Another script may still cancel this submit (a confirmation); then the
      // form must stay usable.
      window.setTimeout(function () {
        if (event.defaultPrevented) {
          form.removeAttribute("data-submitting");
          form.removeAttribute("aria-busy");
        }
      }, 0);
    }
  }, true);

  // Coming back with the browser's back button restores a page from cache with the
  // flag still set; clear it so the forms work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    });
  });

  // --- Reply and report under a comment: the page's one form, copied in place ----
  // Each comment's "Reply" and "Report" are links that work without JavaScript (the
  // page's comment form as a reply; the report page). Here a click copies the page's
  // one form (<template>, proposals/_inline_forms.html) under the comment instead,
  // with the parent or the address, its own ids and labels and a fresh idempotency
  // key; a second click hides it again, keeping what was typed. live.js keeps an
  // open copy when it replaces the comment's card (participationInlineForms.carry).
  var INLINE_TEMPLATES = { reply: "reply-form-template", report: "report-form-template" };

  function freshKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function inlinePanel(kind, link, item) {
    var template = document.getElementById(INLINE_TEMPLATES[kind]);
    if (!template || !template.content || !window.crypto) { return null; }
    var id = item.getAttribute("data-comment-id");
    var form = template.content.firstElementChild.cloneNode(true);
    var prefix = kind + "-" + id;
    form.id = prefix + "-form";
    var key = form.querySelector("input[name=idempotency_key]");
    if (key) { key.value = freshKey(); }
    var box = form.querySelector("textarea");
    var label = box && box.closest(".field").querySelector("label");
    box.id = prefix + "-body";
    if (label) { label.setAttribute("for", box.id); }
    if (kind === "reply") {
      form.querySelector("input[name=parent]").value = id;
      var author = item.querySelector(":scope > article .comment-author");
      label.textContent = label.getAttribute("data-label-template")
        .replace("{name}", author ? author.textContent.trim() : "");
      label.removeAttribute("data-label-template");
    } else {
      form.action = link.href;
      var help = form.querySelector("[data-id=help]");
      if (help) {
        help.id = prefix + "-help";
        box.setAttribute("aria-describedby", help.id);
      }
    }
    return form;
  }

  function placePanel(kind, form, card) {
    var anchor = kind === "reply"
      ? card.querySelector(".comment-actions")
      : card.querySelector(".moderation-report-link");
    if (!anchor) { return false; }
    anchor.insertAdjacentElement("afterend", form);
    var link = anchor.querySelector("a[data-inline-form=" + kind + "]");
    if (link) {
      link.setAttribute("aria-expanded", form.hidden ? "false" : "true");
      link.setAttribute("aria-controls", form.id);
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-inline-form]");
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var kind = link.getAttribute("data-inline-form");
    var item = link.closest("li.comment");
    var card = item && item.querySelector(":scope > article");
    if (!card || !INLINE_TEMPLATES[kind]) { return; }
    var form = document.getElementById(kind + "-" + item.getAttribute("data-comment-id") + "-form");
    if (form) {
      form.hidden = !form.hidden;
    } else {
      form = inlinePanel(kind, link, item);
      if (!form || !placePanel(kind, form, card)) { return; }  // follow the link
    }
    event.preventDefault();
    link.setAttribute("aria-expanded", form.hidden ? "false" : "true");
    if (!form.hidden) {
      var first = form.querySelector(kind === "reply" ? "textarea" : "input[type=radio]");
      if (first) { first.focus(); }
    }
  });

  // The live layer replaces a comment's card when it changes: an open form moves
  // to the new card, with what was typed in it.
  window.participationInlineForms = {
    carry: function (oldCard, newCard) {
      oldCard.querySelectorAll("form[data-inline-panel]").forEach(function (form) {
        placePanel(form.getAttribute("data-inline-panel"), form, newCard);
      });
    }
  };

  // --- The proposal text: toolbar and live preview -----------------------------
  // The textarea works alone; the toolbar only types what a person could type
  // (**bold**, "- " at the start of a line, [text](address)), and the preview asks
  // the server, so it is rendered by the same sanitizer as the published text.
  function setupEditor(box) {
    var toolbar = box.querySelector("[data-text-toolbar]");
    var preview = box.querySelector("[data-preview-url]");
    var area = preview && document.getElementById(preview.getAttribute("data-preview-for"));
    if (!area) { return; }
    if (toolbar) {
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-format]");
        if (!button) { return; }
        format(area, button.getAttribute("data-format"), button);
        area.dispatchEvent(new Event("input"));
      });
    }
    if (preview && window.fetch) { setupPreview(area, preview); }
  }

  function replaceSelection(area, before, inside, after) {
    var start = area.selectionStart, end = area.selectionEnd;
    var text = area.value;
    var chosen = text.slice(start, end) || inside;
    area.setRangeText(before + chosen + after, start, end, "end");
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
    area.focus();
  }

  function format(area, kind, button) {
    if (kind === "bold") {
      replaceSelection(area, "**", area.selectionStart === area.selectionEnd ? "…" : "", "**");
    } else if (kind === "list") {
      var start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      var end = area.selectionEnd;
      var lines = area.value.slice(start, end).split("\n").map(function (line) {
        return /^- /.test(line) ? line : "- " + line;
      }).join("\n");
      var lead = start > 0 && area.value.charAt(start - 2) !== "\n" && area.value.charAt(start - 1) === "\n" ? "\n" : "";
      area.setRangeText(lead + lines, start, end, "end");
      area.focus();
    } else if (kind === "link") {
      var address = window.prompt(button.getAttribute("data-link-prompt") || "https://", "https://");
      if (!address || !/^https?:\/\/\S+$/i.test(address.trim())) { area.focus(); return; }
      replaceSelection(area, "[", area.selectionStart === area.selectionEnd ? address.trim() : "", "](" + address.trim() + ")");
    }
  }

  function setupPreview(area, preview) {
    var body = preview.querySelector("[data-preview-body]");
    var form = area.form;
    var tokenInput = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null, controller = null, last = null;
    function refresh() {
      var text = area.value;
      if (text === last) { return; }
      last = text;
      if (!text.trim()) { preview.classList.add("is-empty"); body.innerHTML = ""; return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var data = new FormData();
      data.append("body", text);
      fetch(preview.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": tokenInput ? tokenInput.value : csrfToken(), "Accept": "text/html" },
        body: data,
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        // Sanitized by the server (participation/text.py), as the published text is.
        body.innerHTML = html;
        preview.classList.remove("is-empty");
      }).catch(function () { /* too fast, offline or aborted: the form still works */ });
    }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 600);
    });
    if (area.value.trim() && !preview.hasAttribute("data-preview-idle")) { last = area.value; }
  }
  document.querySelectorAll("[data-text-editor]").forEach(setupEditor);

  // --- Collapsed sections open when a link points inside them (#tracker, #response)
  function openTarget() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(decodeURIComponent(id));
    var details = target && target.closest("details[data-open-on-target]");
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);

  // --- Fragments loaded in place --------------------------------------------------
  // A link that works without JavaScript (it opens a page) and names, in
  // data-fragment, the same content as a fragment. Clicking it fetches the fragment
  // and hands the parsed document to ``place``; any failure follows the link, so the
  // page without JavaScript is the fallback. ``ready`` may refuse a click (returning
  // false) before anything is fetched; a link already loading is not fetched twice.
  function loadInPlace(selector, ready, place) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(selector);
      if (!link || !window.fetch || !window.DOMParser || !ready(link)) { return; }
      event.preventDefault();
      if (link.getAttribute("aria-busy") === "true") { return; }
      link.setAttribute("aria-busy", "true");
      fetch(link.getAttribute("data-fragment"), {
        credentials: "same-origin", headers: { "Accept": "text/html" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        place(link, new DOMParser().parseFromString(html, "text/html"));
      }).catch(function () {
        window.location.href = link.href;  // the page without JavaScript still works
      });
    });
  }

  function focusFirst(item) {
    var focusable = item && item.querySelector(".comment-author, .comment-time");
    if (focusable) { focusable.focus(); }
    return Boolean(focusable);
  }

  // --- The thread in pages: "More comments" loads the next page in place ----------
  // The link opens the proposal page at the next page without JavaScript; here the
  // same page as a fragment is fetched and its comments appended. A comment the live
  // layer already inserted moves to its place in the page.
  loadInPlace(
    "[data-comments-more] a[data-fragment]",
    function () { return Boolean(document.getElementById("comments")); },
    function (link, doc) {
      var list = document.getElementById("comments");
      var nav = link.closest("[data-comments-more]");
      var items = doc.querySelector("[data-thread-items]");
      var first = null;
      if (items) {
        Array.prototype.slice.call(items.children).forEach(function (item) {
          var already = item.id ? document.getElementById(item.id) : null;
          if (already) { already.remove(); }
          var added = document.importNode(item, true);
          list.appendChild(added);
          if (!first) { first = added; }
        });
      }
      var nextNav = doc.querySelector("[data-comments-more]");
      if (nav && nextNav) { nav.replaceWith(document.importNode(nextNav, true)); }
      focusFirst(first);
    }
  );

  // --- Replies in pages: "Show N more replies" loads the next ones in place --------
  // The link opens a page of those replies without JavaScript; here its fragment is
  // fetched and each reply goes under its parent, in the order they were written
  // (data-at, then the id), skipping any already on the page (a permalink's target,
  // a reply the live layer inserted). Focus moves to the first new reply and a
  // polite live region says how many came in.
  function replyKey(item) {
    return [Number(item.getAttribute("data-at") || 0), Number(item.getAttribute("data-comment-id") || 0)];
  }

  function comesBefore(a, b) {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }

  function placeReply(item, fallbackParent) {
    var parentId = item.getAttribute("data-parent-id");
    var parent = (parentId && document.getElementById("comment-" + parentId)) || fallbackParent;
    if (!parent) { return false; }
    var replies = parent.querySelector(":scope > ol.comment-replies");
    if (!replies) {
      replies = document.createElement("ol");
      replies.className = "comment-replies";
      var more = parent.querySelector(":scope > [data-replies-more]");
      parent.insertBefore(replies, more);
    }
    var key = replyKey(item);
    var next = null;
    Array.prototype.some.call(replies.children, function (sibling) {
      if (comesBefore(key, replyKey(sibling))) { next = sibling; return true; }
      return false;
    });
    replies.insertBefore(item, next);
    return true;
  }

  function announce(text) {
    var region = document.querySelector("[data-thread-status]");
    if (!region || !text) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function rootOf(link) {
    var control = link.closest("[data-replies-more]");
    return document.getElementById("comment-" + control.getAttribute("data-root-id"));
  }

  loadInPlace(
    "[data-replies-more] a[data-fragment]",
    function (link) { return Boolean(rootOf(link)); },
    function (link, doc) {
      var control = link.closest("[data-replies-more]");
      var root = rootOf(link);
      var items = doc.querySelector("[data-reply-items]");
      var first = null;
      if (items) {
        // Parents come before their replies in the fragment: place them one by one.
        Array.prototype.slice.call(items.querySelectorAll("li.comment")).forEach(function (item) {
          if (document.getElementById(item.id)) { return; }
          var added = document.importNode(item, true);
          var nested = added.querySelector(":scope > ol.comment-replies");
          if (nested) { nested.remove(); }
          if (placeReply(added, root) && !first) { first = added; }
        });
      }
      var nextControl = doc.querySelector("[data-replies-more]");
      if (nextControl) {
        control.replaceWith(document.importNode(nextControl, true));
      } else {
        control.remove();
      }
      if (!focusFirst(first)) {
        var fallback = root.querySelector(":scope > [data-replies-more] a") || root.querySelector(".comment-time");
        if (fallback) { fallback.focus(); }
      }
      announce(items && items.getAttribute("data-announce"));
    }
  );

  // An old link to #comment-ID (without ?comment=) whose comment is on another page
  // of the thread: ask the server for the page that holds it.
  (function () {
    var match = /^#comment-(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("comment-" + match[1])) { return; }
    if (!document.getElementById("comments")) { return; }
    var params = new URLSearchParams(window.location.search);
    if (params.has("comment")) { return; }
    params.set("comment", match[1]);
    params.delete("cpage");
    window.location.replace("?" + params.toString() + window.location.hash);
  })();
})();
