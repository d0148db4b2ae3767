// The live layer: pages receive new contributions over a websocket without reload.
// Every page works without this file; it only enhances them.
//
// - Proposal pages: new comments and replies (the same HTML as on page load; a
//   reply to a reply not on the page counts in its thread's "Show N more replies"), vote
//   and support counts, hides (the comment turns into its placeholder), and a
//   refreshed tracker panel.
// - Live sessions: opinions appear for everyone at once; the projector scrolls by
//   itself; facilitators highlight, pin, hide and group opinions.
// - The tracker and department pages: a row refreshes when its status changes.
// - The notifications bell: the unread count and new notifications.
//
// A dropped connection reconnects with backoff and asks for what it missed since
// the last event id it saw. The backoff starts again only once the server has said
// hello (a socket it accepts and then closes does not count as connected), and a
// server that closes with a retry hint (an error with "reconnect_after" seconds:
// the live layer is unreachable, too many connections) is not asked again sooner.
// Fragments pushed by the server are public; signed-in visitors fetch their
// personal version (their buttons) over HTTP.
(function () {
  "use strict";
  if (window.participationLive) { return; }
  window.participationLive = true;
  if (!("WebSocket" in window) || !window.fetch) { return; }

  var STOP_CODES = { 4401: true, 4403: true, 4404: true };

  // --- small helpers ---------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function toElement(html) {
    var template = document.createElement("template");
    template.innerHTML = (html || "").trim();
    return template.content.firstElementChild;
  }

  function fetchDocument(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Requested-With": "live" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (text) {
      return new DOMParser().parseFromString(text, "text/html");
    });
  }

  function later(fn, maxDelay) {
    window.setTimeout(fn, Math.floor(Math.random() * maxDelay));
  }

  function flash(element) {
    if (!element) { return; }
    element.classList.add("is-new");
    window.setTimeout(function () { element.classList.remove("is-new"); }, 4000);
  }

  // Forms in fragments rendered by the live layer carry no CSRF token: add it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
      var token = csrfToken();
      if (token) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "csrfmiddlewaretoken";
        hidden.value = token;
        form.appendChild(hidden);
      }
    }
  }, true);

  // --- the connection --------------------------------------------------------------
  function LiveSocket(path, since, handlers) {
    this.path = path;
    this.since = since;
    this.handlers = handlers;
    this.attempt = 0;
    this.stopped = false;
    this.socket = null;
    this.timer = null;
    this.refs = 0;
    this.pending = {};
    this.reconnectAfter = 0;
    this.notBefore = 0;
    var self = this;
    window.addEventListener("online", function () { self.reconnectNow(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { self.reconnectNow(); }
    });
  }

  LiveSocket.prototype.url = function () {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + this.path;
    if (this.since !== null) {
      url += (url.indexOf("?") === -1 ? "?" : "&") + "since=" + encodeURIComponent(this.since);
    }
    return url;
  };

  LiveSocket.prototype.connect = function () {
    var self = this;
    if (this.stopped) { return; }
    var socket;
    try { socket = new WebSocket(this.url()); } catch (e) { this.retry(); return; }
    this.socket = socket;
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "hello") {
        self.attempt = 0;
        self.reconnectAfter = 0;
        self.state("connected");
      } else if (data.type === "error" && typeof data.reconnect_after === "number") {
        self.reconnectAfter = data.reconnect_after;
      }
      if (typeof data.event_id === "number" && self.since !== null && data.event_id > self.since) {
        self.since = data.event_id;
      }
      if (data.ref !== undefined && data.ref !== null && self.pending[data.ref]) {
        var callback = self.pending[data.ref];
        delete self.pending[data.ref];
        callback(data);
      }
      if (data.type === "resync" && typeof data.last_event_id === "number") {
        self.since = data.last_event_id;
      }
      var handler = self.handlers[data.type];
      if (handler) {
        try { handler(data); } catch (e) { if (window.console) { console.error(e); } }
      }
    };
    socket.onclose = function (event) {
      self.socket = null;
      Object.keys(self.pending).forEach(function (ref) {
        self.pending[ref]({ type: "error", code: "disconnected" });
      });
      self.pending = {};
      if (STOP_CODES[event.code]) {
        self.stopped = true;
        self.state("offline");
        return;
      }
      self.retry();
    };
  };

  LiveSocket.prototype.retry = function () {
    var self = this;
    if (this.stopped) { return; }
    this.state("reconnecting");
    var delay = Math.min(30000, 1000 * Math.pow(2, this.attempt));
    delay = delay / 2 + Math.random() * delay / 2;
    var hinted = Math.min(300, this.reconnectAfter) * 1000;
    delay = Math.max(delay, hinted);
    // Coming back online or to the tab reconnects at once, unless the server said when.
    this.notBefore = hinted ? Date.now() + hinted : 0;
    this.reconnectAfter = 0;
    this.attempt += 1;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.connect(); }, delay);
  };

  LiveSocket.prototype.reconnectNow = function () {
    if (this.stopped || this.socket || Date.now() < this.notBefore) { return; }
    window.clearTimeout(this.timer);
    this.connect();
  };

  LiveSocket.prototype.isOpen = function () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  };

  LiveSocket.prototype.send = function (message, callback) {
    if (!this.isOpen()) { return false; }
    this.refs += 1;
    message.ref = "r" + this.refs;
    if (callback) { this.pending[message.ref] = callback; }
    this.socket.send(JSON.stringify(message));
    return true;
  };

  LiveSocket.prototype.state = function (name) {
    if (this.handlers._state) { this.handlers._state(name); }
  };

  // --- connection status line ------------------------------------------------------------
  function statusReporter(config) {
    var line = document.querySelector("[data-live-connection]");
    var shown = null;
    return function (name) {
      if (!line || shown === name) { return; }
      shown = name;
      line.textContent = "";
      line.setAttribute("data-state", name);
      if (name === "connected") {
        line.textContent = config.getAttribute("data-live-text-connected") || "";
      } else if (name === "reconnecting") {
        line.textContent = config.getAttribute("data-live-text-reconnecting") || "";
      } else {
        line.textContent = config.getAttribute("data-live-text-offline") || "";
      }
    };
  }

  function reloadNotice(config, message) {
    var line = document.querySelector("[data-live-connection]");
    if (!line) { return; }
    line.textContent = (message || config.getAttribute("data-live-text-offline") || "") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = config.getAttribute("data-live-text-reload") || "Reload";
    button.addEventListener("click", function () { window.location.reload(); });
    line.appendChild(button);
    line.setAttribute("data-state", "stale");
  }

  function swapFromServer(selectors) {
    return fetchDocument(window.location.href).then(function (doc) {
      var missing = false;
      selectors.forEach(function (selector) {
        var fresh = doc.querySelector(selector);
        var current = document.querySelector(selector);
        if (fresh && current) {
          current.replaceWith(document.importNode(fresh, true));
        } else if (fresh || current) {
          missing = true;
        }
      });
      return !missing;
    });
  }

  // --- proposal pages --------------------------------------------------------------------
  function proposalPage(config) {
    function commentList() { return document.getElementById("comments"); }

    function newestFirst() {
      return new URLSearchParams(window.location.search).get("comments") === "newest";
    }

    // Replace the card of a comment, keeping a reply or report the visitor is typing.
    function replaceCard(existing, freshItem) {
      var oldCard = existing.querySelector(":scope > article");
      var newCard = freshItem.querySelector(":scope > article");
      if (!oldCard || !newCard) { return; }
      if (window.participationInlineForms) {
        window.participationInlineForms.carry(oldCard, newCard);
      }
      oldCard.replaceWith(newCard);
      existing.className = freshItem.className;
    }

    function insert(item, parentId) {
      if (parentId) {
        var parent = document.getElementById("comment-" + parentId);
        if (!parent) { return false; }
        var replies = parent.querySelector(":scope > ol.comment-replies");
        if (!replies) {
          replies = document.createElement("ol");
          replies.className = "comment-replies";
          parent.appendChild(replies);
        }
        replies.appendChild(item);
        return true;
      }
      var list = commentList();
      if (!list) { return false; }
      if (newestFirst()) { list.insertBefore(item, list.firstChild); } else { list.appendChild(item); }
      var empty = document.querySelector("[data-no-comments]");
      if (empty) { empty.hidden = true; }
      return true;
    }

    function personalize(url, commentId) {
      later(function () {
        fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) {
            var fresh = toElement(html);
            var existing = document.getElementById("comment-" + commentId);
            if (fresh && existing) { replaceCard(existing, fresh); }
          }).catch(function () { /* the public version stays */ });
      }, 800);
    }

    // A thread whose replies are not all shown ("Show N more replies"): a new reply
    // whose parent is not on the page is counted in, not lost (the count is the
    // thread's replies in all minus those on the page, so a repeated or coalesced
    // event counts once).
    function countReplies(data) {
      var root = data.root_id && document.getElementById("comment-" + data.root_id);
      var control = root && root.querySelector(":scope > [data-replies-more]");
      if (!control) { return false; }
      if (typeof data.root_replies === "number") {
        control.setAttribute("data-total", String(data.root_replies));
      }
      var total = Number(control.getAttribute("data-total") || 0);
      var hidden = Math.max(0, total - root.querySelectorAll("li.comment").length);
      var link = control.querySelector("a");
      if (!link) { return true; }
      var pattern = link.getAttribute(hidden === 1 ? "data-label-one" : "data-label-other");
      if (pattern) { link.textContent = pattern.replace("%(n)s", String(hidden)); }
      control.hidden = hidden === 0;
      return true;
    }

    function onComment(data) {
      var fresh = toElement(data.html);
      if (!fresh) { return; }
      var existing = document.getElementById("comment-" + data.comment_id);
      if (existing) {
        replaceCard(existing, fresh);
      } else if (!insert(fresh, data.parent_id)) {
        countReplies(data);
        return;
      } else {
        flash(fresh);
        countReplies(data);
      }
      if (data.personal_url) { personalize(data.personal_url, data.comment_id); }
    }

    function setVoteNumbers(container, up, down) {
      var numbers = [];
      var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        if (/^\s*\d+\s*$/.test(walker.currentNode.nodeValue)) { numbers.push(walker.currentNode); }
      }
      if (numbers.length >= 2) {
        numbers[0].nodeValue = " " + up;
        numbers[1].nodeValue = " " + down;
      }
    }

    function onVotes(data) {
      var item = document.getElementById("comment-" + data.comment_id);
      if (!item) { return; }
      var votes = item.querySelector(":scope > article .comment-votes");
      if (votes) { setVoteNumbers(votes, data.upvotes, data.downvotes); }
    }

    function onCounts(data) {
      var supports = document.querySelector("[data-support-count]");
      if (supports) {
        supports.textContent = data.supports;
        // The words around the number, in the page's language (「賛同 19件」).
        var before = supports.parentNode.querySelector("[data-support-before]");
        var after = supports.parentNode.querySelector("[data-support-after]");
        if (data.supports_parts && before && after) {
          before.textContent = data.supports_parts[0];
          after.textContent = data.supports_parts[1];
        }
      }
      var progress = document.querySelector("progress.support-progress");
      if (progress) { progress.value = data.supports; }
      var heading = document.getElementById("comments-heading");
      if (heading) { heading.textContent = data.comments_label; }
    }

    function onRefresh(data) {
      if (data.region === "tracker") {
        swapFromServer(["[data-live-region=\"tracker\"]"]).then(function (ok) {
          if (!ok) { reloadNotice(config, data.message); }
        }).catch(function () { reloadNotice(config, data.message); });
        return;
      }
      reloadNotice(config, data.message);
    }

    return {
      comment: onComment,
      comment_votes: onVotes,
      counts: onCounts,
      refresh: onRefresh,
      resync: function () { reloadNotice(config); }
    };
  }

  // --- live sessions ---------------------------------------------------------------------
  function sessionPage(config, getSocket) {
    var stream = document.querySelector("[data-opinion-stream]");
    var pinned = document.querySelector("[data-opinion-pinned]");
    var scroller = document.querySelector("[data-projector-scroll]");

    function updateCount() {
      var count = document.querySelector("[data-opinion-count]");
      if (count && stream) {
        count.textContent = stream.querySelectorAll(":scope > li:not(.is-hidden)").length;
      }
      var empty = document.querySelector("[data-no-opinions]");
      if (empty && stream) { empty.hidden = stream.children.length > 0; }
      var section = document.querySelector("[data-pinned-section]");
      if (section && pinned) { section.hidden = pinned.children.length === 0; }
    }

    function keepTyping(existing, fresh) {
      var input = existing.querySelector(".opinion-hide input[name=reason]");
      var code = existing.querySelector(".opinion-hide select[name=reason_code]");
      if ((input && input.value.trim()) || (code && code.value)) {
        var slot = fresh.querySelector(".opinion-hide");
        if (slot) { slot.replaceWith((input || code).closest(".opinion-hide")); }
      }
    }

    function onOpinion(data) {
      if (!stream) { return; }
      var fresh = toElement(data.html);
      if (!fresh) { return; }
      var existing = document.getElementById("opinion-" + data.opinion_id);
      if (existing) {
        keepTyping(existing, fresh);
        existing.replaceWith(fresh);
      } else {
        stream.appendChild(fresh);
        flash(fresh);
        if (scroller) { scroller.scrollTop = 0; }
      }
      if (pinned) {
        var old = pinned.querySelector("[data-pinned-opinion-id=\"" + data.opinion_id + "\"]");
        if (old) { old.remove(); }
        var freshPinned = data.pinned_html ? toElement(data.pinned_html) : null;
        if (freshPinned) { pinned.insertBefore(freshPinned, pinned.firstChild); }
      }
      updateCount();
    }

    function onSession(data) {
      var line = document.querySelector("[data-live-region=\"session-status\"]");
      var before = line ? line.getAttribute("data-session-status") : null;
      var fresh = toElement(data.html);
      if (line && fresh) { line.replaceWith(fresh); }
      document.querySelectorAll("select[data-theme-select]").forEach(function (select) {
        var chosen = select.value;
        while (select.options.length > 1) { select.remove(1); }
        (data.themes || []).forEach(function (theme) {
          var option = new Option(theme.name, String(theme.id));
          option.selected = String(theme.id) === chosen;
          select.add(option);
        });
      });
      var swaps = [];
      if (document.getElementById("themes")) { swaps.push("#themes"); }
      if (before !== data.status) {
        if (data.status === "open" && document.getElementById("opinion-form")) {
          swaps.push("#opinion-form");
        } else if (data.status === "closed" || data.status === "cancelled") {
          if (!document.body.hasAttribute("data-projector")) { reloadNotice(config); }
        }
      }
      if (swaps.length) {
        swapFromServer(swaps).then(bindForms).catch(function () { reloadNotice(config); });
      }
    }

    // Actions go over the websocket when it is open; otherwise the form submits.
    function messageFor(form) {
      var action = form.getAttribute("data-live-action");
      var message = { action: action };
      var opinionId = form.getAttribute("data-opinion-id");
      if (opinionId) { message.opinion_id = parseInt(opinionId, 10); }
      if (action === "post") {
        message.body = form.elements.body.value;
        if (form.elements.idempotency_key) { message.idempotency_key = form.elements.idempotency_key.value; }
      }
      if (action === "highlight" || action === "pin") { message.on = form.getAttribute("data-on") === "true"; }
      if (action === "hide") {
        message.reason_code = form.elements.reason_code ? form.elements.reason_code.value : "";
        message.reason = form.elements.reason ? form.elements.reason.value : "";
      }
      if (action === "theme") { message.theme_id = form.elements.theme.value || null; }
      return message;
    }

    // The next opinion from this form is a new submission: give it a new key (the
    // page's form carries one for sending without JavaScript; participation.idempotency).
    function freshKey(form) {
      var field = form.elements.idempotency_key;
      if (!field || !window.crypto || !window.crypto.getRandomValues) { return; }
      var bytes = new Uint8Array(18);
      window.crypto.getRandomValues(bytes);
      field.value = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    }

    function showError(form, text) {
      var slot = form.querySelector("[data-live-error]");
      if (slot) { slot.textContent = text || ""; return; }
      if (text) { window.alert(text); }
    }

    function bindForms() {
      document.querySelectorAll("[data-live-counter-for]").forEach(function (counter) {
        if (counter.getAttribute("data-bound")) { return; }
        counter.setAttribute("data-bound", "1");
        var box = document.getElementById(counter.getAttribute("data-live-counter-for"));
        if (!box) { return; }
        var max = parseInt(box.getAttribute("maxlength") || "400", 10);
        var update = function () { counter.textContent = box.value.length + " / " + max; };
        box.addEventListener("input", update);
        update();
      });
    }
    bindForms();

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-live-action")) { return; }
      var socket = getSocket();
      if (!socket || !socket.isOpen() || form.getAttribute("aria-busy") === "true") { return; }
      var message = messageFor(form);
      event.preventDefault();
      form.setAttribute("aria-busy", "true");
      showError(form, "");
      var sent = socket.send(message, function (reply) {
        form.removeAttribute("aria-busy");
        if (reply.type === "ok") {
          if (form.hasAttribute("data-live-reset")) { form.reset(); bindForms(); }
          freshKey(form);
          var details = form.closest("details");
          if (details) { details.open = false; }
        } else if (reply.code === "disconnected") {
          form.submit();
        } else {
          showError(form, reply.message);
        }
      });
      if (!sent) { form.removeAttribute("aria-busy"); form.submit(); }
    });

    return {
      opinion: onOpinion,
      session: onSession,
      resync: function () { reloadNotice(config); }
    };
  }

  // --- tracker rows ----------------------------------------------------------------------
  function trackerPage(config) {
    return {
      row: function (data) {
        var selector = "[data-tracker-row=\"" + data.proposal_id + "\"]";
        if (!document.querySelector(selector)) { return; }
        later(function () {
          swapFromServer([selector]).then(function () {
            flash(document.querySelector(selector));
          }).catch(function () { reloadNotice(config); });
        }, 1500);
      },
      resync: function () { reloadNotice(config); }
    };
  }

  // --- the notifications bell ------------------------------------------------------------
  function startBell(bell) {
    var count = bell.querySelector("[data-bell-count]");
    var toast = document.querySelector("[data-bell-toast]");
    var toastTimer = null;

    function setCount(n) {
      if (count) {
        count.textContent = n > 99 ? "99+" : String(n);
        count.hidden = n === 0;
      }
      bell.classList.toggle("has-unread", n > 0);
      var label = n > 0
        ? (bell.getAttribute("data-label-some") || "").replace("{n}", String(n))
        : bell.getAttribute("data-label-none");
      if (label) { bell.setAttribute("aria-label", label); }
    }

    function showToast(latest) {
      if (!toast || !latest || !latest.message) { return; }
      toast.textContent = "";
      var text = document.createElement(latest.url && latest.url.charAt(0) === "/" && latest.url.charAt(1) !== "/" ? "a" : "span");
      text.textContent = latest.message;
      if (text.tagName === "A") { text.href = latest.url; }
      toast.appendChild(text);
      toast.hidden = false;
      window.clearTimeout(toastTimer);
      toastTimer = window.setTimeout(function () { toast.hidden = true; }, 8000);
    }

    var socket = new LiveSocket(bell.getAttribute("data-live-bell"), null, {
      notifications: function (data) { setCount(data.unread || 0); },
      notification: function (data) { setCount(data.unread || 0); showToast(data.latest); }
    });
    socket.connect();
  }

  // --- start -------------------------------------------------------------------------------
  var bell = document.querySelector("[data-live-bell]");
  if (bell) { startBell(bell); }

  var config = document.querySelector("[data-live-socket]");
  if (!config) { return; }
  var kind = config.getAttribute("data-live-kind");
  var since = parseInt(config.getAttribute("data-live-since") || "0", 10);
  var socket = null;
  var handlers;
  if (kind === "proposal") {
    handlers = proposalPage(config);
  } else if (kind === "session") {
    handlers = sessionPage(config, function () { return socket; });
  } else if (kind === "tracker") {
    handlers = trackerPage(config);
  } else {
    return;
  }
  handlers._state = statusReporter(config);
  socket = new LiveSocket(config.getAttribute("data-live-socket"), isNaN(since) ? 0 : since, handlers);
  socket.connect();
})();
