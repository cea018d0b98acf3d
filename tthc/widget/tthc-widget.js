/*
 * tthc-assistant chat widget for a public-service portal.
 *
 * Embed with one tag (the app serves this file and the portal page at /):
 *   <script src="https://ASSISTANT/widget/tthc-widget.js"
 *           data-server="https://RASA-SERVER" defer></script>
 *
 * It talks to the Rasa server's portal channel (connectors/portal.py): one POST per
 * message, the answer streamed back as JSON lines. The conversation (sender id and
 * transcript) lives in localStorage, so it survives a page reload; a message that could
 * not be delivered is kept and resent with the same id until the server answers, so a
 * dropped connection loses nothing and is never answered twice.
 *
 * Every text is put into the page with textContent, never innerHTML: neither the bot's
 * nor the citizen's words can inject HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptUrl = new URL(script.src, document.baseURI);
  var appBase = scriptUrl.href.replace(/\/widget\/[^/]*$/, "");
  var server = (script.dataset.server || scriptUrl.origin).replace(/\/+$/, "");
  var endpoint = server + "/webhooks/portal/webhook";
  var storageKey = "tthc-widget:v1:" + server;
  var MAX_CHARS = 1000;
  var MAX_ENTRIES = 200; // the transcript kept in the browser
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];
  var IDLE_TIMEOUT = 60000; // a request silent this long is given up and retried
  var SERVER_RETRIES = 6; // a server error after this many tries fails the message

  var TEXT = {
    launcher: "Hỏi trợ lý ảo",
    title: "Trợ lý ảo thủ tục hành chính",
    subtitle: function (province) {
      return province ? "Cổng dịch vụ công " + province : "Cổng dịch vụ công";
    },
    close: "Thu nhỏ cửa sổ trò chuyện",
    restart: "Trò chuyện mới",
    inputLabel: "Câu hỏi của anh/chị",
    placeholder: "Nhập câu hỏi, ví dụ: làm căn cước cần giấy tờ gì?",
    send: "Gửi",
    sending: "Trợ lý đang trả lời…",
    offline: "Mất kết nối tới trợ lý. Đang thử kết nối lại…",
    back: "Đã kết nối lại.",
    rejected: "Tin nhắn chưa gửi được: ",
    serverDown: "trợ lý đang gặp sự cố, anh/chị vui lòng thử lại sau.",
    tooLong: "Câu hỏi dài quá " + MAX_CHARS + " ký tự, anh/chị vui lòng rút gọn.",
    feedbackQuestion: "Câu trả lời có hữu ích không?",
    good: "Hữu ích",
    bad: "Chưa hữu ích",
    goodSent: "👍 Hữu ích",
    badSent: "👎 Chưa hữu ích",
    thanks: "Anh/chị đã đánh giá câu trả lời này.",
    you: "Anh/chị",
    bot: "Trợ lý",
    opens: " (mở trang mới)",
    choices: "Các lựa chọn",
  };

  // ---- state -------------------------------------------------------------------------

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.entries)) {
        if (!Array.isArray(saved.outbox)) saved.outbox = [];
        return saved;
      }
    } catch (e) { /* a broken entry starts a new conversation */ }
    return { sender: newId(), entries: [], open: false, outbox: [] };
  }

  var state = load();

  function save() {
    if (state.entries.length > MAX_ENTRIES) {
      state.entries = state.entries.slice(-MAX_ENTRIES);
      render(); // keep the log's items in step with the entries
    }
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* full */ }
  }

  // ---- elements ----------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: appBase + "/widget/tthc-widget.css" });
  document.head.appendChild(css);

  var root = el("div", { className: "tthc-widget", lang: "vi" });
  var launcher = el("button", {
    type: "button", className: "tthc-launcher", "aria-expanded": "false",
    "aria-controls": "tthc-panel", text: TEXT.launcher,
  });
  var title = el("h2", { id: "tthc-title", className: "tthc-title", text: TEXT.title });
  var subtitle = el("p", { className: "tthc-subtitle", text: TEXT.subtitle("") });
  var restart = el("button", { type: "button", className: "tthc-restart", text: TEXT.restart });
  var close = el("button", {
    type: "button", className: "tthc-close", "aria-label": TEXT.close, text: "×",
  });
  var status = el("p", { className: "tthc-status", role: "status", "aria-live": "polite" });
  var log = el("ol", {
    className: "tthc-log", role: "log", "aria-live": "polite", "aria-labelledby": "tthc-title",
    tabindex: "0",
  });
  var input = el("textarea", {
    id: "tthc-input", className: "tthc-input", rows: "2", maxlength: String(MAX_CHARS),
    placeholder: TEXT.placeholder, autocomplete: "off",
  });
  var sendButton = el("button", { type: "submit", className: "tthc-send", text: TEXT.send });
  var form = el("form", { className: "tthc-form" }, [
    el("label", { for: "tthc-input", className: "tthc-visually-hidden", text: TEXT.inputLabel }),
    input,
    sendButton,
  ]);
  var panel = el("section", {
    id: "tthc-panel", className: "tthc-panel", role: "dialog", "aria-labelledby": "tthc-title",
    hidden: "",
  }, [
    el("header", { className: "tthc-header" }, [
      el("div", {}, [title, subtitle]), restart, close,
    ]),
    status, log, form,
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering ---------------------------------------------------------------------

  var LINK = /(https?:\/\/[^\s<>"“”]+[^\s<>"“”.,;:!?)\]])/g;

  function inline(parent, text) {
    // Text with its web addresses as links; everything through textContent.
    var last = 0;
    text.replace(LINK, function (url, _group, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url });
      link.appendChild(el("span", { className: "tthc-visually-hidden", text: TEXT.opens }));
      parent.appendChild(link);
      last = offset + url.length;
      return url;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function richText(text) {
    // Paragraphs at blank lines; "• " and "- " lines as bulleted lists, "1. " as numbered.
    var box = el("div", { className: "tthc-text" });
    text.split(/\n{2,}/).forEach(function (block) {
      var list = null;
      var paragraph = null;
      block.split("\n").forEach(function (line) {
        var bullet = /^\s*[•\-–]\s+(.*)$/.exec(line);
        var number = /^\s*(\d+)[.)]\s+(.*)$/.exec(line);
        if (bullet || number) {
          var kind = bullet ? "ul" : "ol";
          if (!list || list.tagName.toLowerCase() !== kind) {
            list = el(kind);
            if (number) list.setAttribute("start", number[1]);
            box.appendChild(list);
          }
          var item = el("li");
          inline(item, bullet ? bullet[1] : number[2]);
          list.appendChild(item);
          paragraph = null;
        } else {
          list = null;
          if (!paragraph) {
            paragraph = el("p");
            box.appendChild(paragraph);
          } else {
            paragraph.appendChild(el("br"));
          }
          inline(paragraph, line);
        }
      });
    });
    return box;
  }

  function speaker(name) {
    return el("span", { className: "tthc-visually-hidden", text: name + ": " });
  }

  function renderEntry(entry, index) {
    var item;
    if (entry.from === "user") {
      item = el("li", { className: "tthc-message tthc-user" }, [speaker(TEXT.you)]);
      item.appendChild(el("p", { text: entry.text }));
      if (entry.failed) item.appendChild(el("p", { className: "tthc-error", text: entry.failed }));
      return item;
    }
    item = el("li", { className: "tthc-message tthc-bot" }, [speaker(TEXT.bot)]);
    if (entry.text) item.appendChild(richText(entry.text));
    if (entry.buttons && entry.buttons.length) item.appendChild(renderButtons(entry, index));
    if (entry.procedure) item.appendChild(renderFeedback(entry)); // an answer from the KB
    return item;
  }

  function renderButtons(entry, index) {
    var group = el("div", { className: "tthc-buttons", role: "group", "aria-label": TEXT.choices });
    entry.buttons.forEach(function (button) {
      var payload = String(button.payload || "");
      if (/^(https?:|tel:)/.test(payload)) {
        group.appendChild(el("a", {
          className: "tthc-choice", href: payload, target: "_blank", rel: "noopener noreferrer",
          text: button.title,
        }));
        return;
      }
      var choice = el("button", { type: "button", className: "tthc-choice", text: button.title });
      if (index !== state.entries.length - 1) choice.disabled = true; // answered already
      choice.addEventListener("click", function () { send(payload, button.title); });
      group.appendChild(choice);
    });
    return group;
  }

  function renderFeedback(entry) {
    var box = el("div", { className: "tthc-feedback" });
    if (entry.feedback) {
      box.appendChild(el("p", { text: TEXT.thanks }));
      return box;
    }
    var question = el("span", { text: TEXT.feedbackQuestion });
    var good = el("button", { type: "button", className: "tthc-rate", text: "👍 " + TEXT.good });
    var bad = el("button", { type: "button", className: "tthc-rate", text: "👎 " + TEXT.bad });
    function rate(verdict, shown) {
      entry.feedback = verdict;
      refresh(state.entries.indexOf(entry));
      // Names the rated answer's procedure, which may not be the latest one.
      send("/feedback_" + verdict + JSON.stringify({ procedure_code: entry.procedure }), shown);
    }
    good.addEventListener("click", function () { rate("good", TEXT.goodSent); });
    bad.addEventListener("click", function () { rate("bad", TEXT.badSent); });
    box.appendChild(el("div", { role: "group", "aria-label": TEXT.feedbackQuestion }, [
      question, good, bad,
    ]));
    return box;
  }

  function lastBotIndex() {
    for (var i = state.entries.length - 1; i >= 0; i--) {
      if (state.entries[i].from === "bot") return i;
    }
    return -1;
  }

  // The log only grows: a screen reader announces each new message once.
  function render() {
    log.textContent = "";
    state.entries.forEach(function (entry, index) { log.appendChild(renderEntry(entry, index)); });
    log.scrollTop = log.scrollHeight;
  }

  function append(entry) {
    log.querySelectorAll("button.tthc-choice").forEach(function (b) { b.disabled = true; });
    state.entries.push(entry);
    log.appendChild(renderEntry(entry, state.entries.length - 1));
    log.scrollTop = log.scrollHeight;
    save();
  }

  function refresh(index) {
    var node = log.children[index];
    if (node) log.replaceChild(renderEntry(state.entries[index], index), node);
    save();
  }

  function addBotMessage(message) {
    if (message.custom && message.custom.answer) {
      // Marks the answer just shown as one from the knowledge base: ask for feedback.
      var index = lastBotIndex();
      var last = state.entries[index];
      if (last && !last.procedure) {
        last.procedure = String(message.custom.answer.procedure_code);
        refresh(index);
      }
      return;
    }
    if (!message.text && !(message.buttons && message.buttons.length)) return;
    append({ from: "bot", text: message.text || "", buttons: message.buttons || [] });
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = "tthc-status" + (kind ? " tthc-status-" + kind : "");
  }

  // ---- sending -----------------------------------------------------------------------
  // Messages wait in an outbox (kept in localStorage) and are delivered one at a time, in
  // order: a citizen may type on while the assistant answers, or reload, and lose nothing.

  var sending = false; // the outbox's first message is being delivered (or retried)
  var inFlight = null; // the AbortController of the request open right now
  var retryTimer = null;
  var generation = 0; // bumped by "new conversation": late answers to the old one are dropped

  function send(text, display) {
    if (text.length > MAX_CHARS) {
      setStatus(TEXT.tooLong, "error");
      return;
    }
    var id = newId();
    state.outbox.push({ id: id, text: text, received: 0 });
    append({ from: "user", text: display || text, id: id });
    if (!sending) deliver(0);
  }

  function retry(attempt) {
    inFlight = null;
    setStatus(TEXT.offline, "offline");
    var delay = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
    retryTimer = setTimeout(function () { deliver(attempt + 1); }, delay);
  }

  function deliver(attempt) {
    var pending = state.outbox[0];
    if (!pending) return;
    var mine = generation;
    var controller = new AbortController();
    var idle = null;
    function stillWaiting() {
      // No byte for a while (a phone changing networks): give up on this request.
      clearTimeout(idle);
      idle = setTimeout(function () { controller.abort(); }, IDLE_TIMEOUT);
    }
    sending = true;
    inFlight = controller;
    clearTimeout(retryTimer);
    form.setAttribute("aria-busy", "true");
    if (!attempt) setStatus(TEXT.sending, "busy");
    stillWaiting();
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: pending.text, message_id: pending.id }),
      signal: controller.signal,
    })
      .then(function (response) {
        if (mine !== generation) return;
        var status = response.status;
        if (status === 408 || status === 429 || (status >= 500 && attempt < SERVER_RETRIES)) {
          throw new Error("HTTP " + status); // worth another try
        }
        if (status >= 400) {
          return response
            .json()
            .catch(function () { return {}; })
            .then(function (body) {
              if (mine !== generation) return;
              var reason = status >= 500 ? TEXT.serverDown : body.error || "HTTP " + status;
              markFailed(pending.id, TEXT.rejected + reason);
              setStatus("");
              finish(pending.id);
            });
        }
        if (!response.body) throw new Error("no body");
        return readLines(response.body, pending, mine, stillWaiting).then(function () {
          if (mine !== generation) return;
          if (attempt) {
            setStatus(TEXT.back, "ok");
            setTimeout(function () { if (!sending) setStatus(""); }, 3000);
          } else {
            setStatus("");
          }
          finish(pending.id);
        });
      })
      .catch(function () {
        // Network down, server restarting, stream cut: keep the message and try again.
        if (mine === generation) retry(attempt);
      })
      .then(function () { clearTimeout(idle); });
  }

  function markFailed(id, reason) {
    for (var i = state.entries.length - 1; i >= 0; i--) {
      if (state.entries[i].id === id) {
        state.entries[i].failed = reason;
        refresh(i);
        return;
      }
    }
  }

  function readLines(body, pending, mine, stillWaiting) {
    // A replayed answer (a retry of a message the server already answered) starts again
    // from its first message: skip what is shown. A fresh one is shown whole.
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var index = 0;
    function take(line) {
      if (!line.trim() || mine !== generation) return;
      var message = JSON.parse(line);
      if (message.reply) {
        if (!message.reply.replayed) pending.received = 0;
        return;
      }
      index += 1;
      if (index <= pending.received) return;
      pending.received = index;
      addBotMessage(message);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        stillWaiting();
        if (chunk.done) {
          take(buffer);
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var lines = buffer.split("\n");
        buffer = lines.pop();
        lines.forEach(take);
        return pump();
      });
    }
    return pump();
  }

  function finish(id) {
    state.outbox = state.outbox.filter(function (item) { return item.id !== id; });
    sending = false;
    inFlight = null;
    save();
    if (state.outbox.length) {
      deliver(0);
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  // ---- behaviour ---------------------------------------------------------------------

  function setOpen(open) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      log.scrollTop = log.scrollHeight;
      input.focus();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  restart.addEventListener("click", function () {
    clearTimeout(retryTimer);
    generation += 1;
    if (inFlight) inFlight.abort();
    inFlight = null;
    sending = false;
    state = { sender: newId(), entries: [], open: true, outbox: [] };
    save();
    setStatus("");
    form.removeAttribute("aria-busy");
    render();
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  window.addEventListener("online", function () {
    if (state.outbox.length && !inFlight) deliver(1); // skip the rest of the backoff
  });

  fetch(appBase + "/widget/config.json")
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (config) {
      if (config.province) subtitle.textContent = TEXT.subtitle(config.province);
      if (config.province) panel.setAttribute("aria-description", TEXT.subtitle(config.province));
    })
    .catch(function () { /* the title alone will do */ });

  function start() {
    document.body.appendChild(root);
    render();
    if (state.open) setOpen(true);
    if (state.outbox.length) deliver(1); // interrupted by a reload: finish delivering
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
