/*
 * tthc-assistant chat widget for a public-service portal.
 *
 * Embed with one tag (the app serves this file and the portal page at /):
 *   <script src="https://ASSISTANT/widget/tthc-widget.js"
 *           data-server="https://RASA-SERVER" defer></script>
 *
 * On open it greets the citizen and offers the deployment's suggested questions, read
 * from the app (/widget/config.json), without waiting for Rasa. It talks to the Rasa
 * server's portal channel (connectors/portal.py): one POST per message, the answer
 * streamed back as JSON lines. Until the channel answers its health check (Rasa listens
 * only once its model is loaded) the widget says the assistant is starting and keeps what
 * the citizen sends for then. The conversation id is issued by the channel (signed; it
 * refuses ids it did not issue, so nobody continues a conversation by guessing its name) and
 * is asked for before the first message. The conversation (that id and the transcript)
 * lives in localStorage, so it survives a page reload; a message that could not be delivered is
 * kept and resent with the same id until the server answers, so a dropped connection
 * loses nothing and is never answered twice.
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
  var conversations = server + "/webhooks/portal/conversations";
  var forgetting = server + "/webhooks/portal/forget";
  var ISSUED_ID = /^[A-Za-z0-9_-]{24}\.[0-9]{1,12}\.[A-Za-z0-9_-]{43}$/;
  var healthcheck = server + "/webhooks/portal/"; // answers once Rasa can answer
  var storageKey = "tthc-widget:v1:" + server;
  var MAX_CHARS = 1000;
  var MAX_ENTRIES = 200; // the transcript kept in the browser
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];
  var IDLE_TIMEOUT = 60000; // a request silent this long is given up and retried
  var SERVER_RETRIES = 6; // a server error after this many tries fails the message
  var READY_POLL = 2000; // how often a starting assistant is asked whether it is ready...
  var READY_POLLS_FAST = 45; // ...for this many times (Rasa loads in about a minute),
  var READY_POLL_SLOW = 10000; // then this often (it is down, not starting: spare it)
  var SCROLL_GAP = 8; // pixels left above an answer scrolled to the top of the log

  var TEXT = {
    launcher: "Hỏi trợ lý ảo",
    greeting: function (config) {
      var who = config.assistant_name || "trợ lý ảo thủ tục hành chính";
      return (
        "Xin chào anh/chị! Tôi là " + who + (config.province ? " của tỉnh " + config.province : "") +
        ". Anh/chị cứ hỏi tự nhiên về thủ tục: cần giấy tờ gì, lệ phí, thời hạn, nộp ở đâu."
      );
    },
    suggestionsIntro: "Hoặc chọn một câu hỏi thường gặp:",
    suggestions: "Câu hỏi gợi ý",
    note:
      "Thông tin chỉ để tham khảo, theo Cổng Dịch vụ công quốc gia; kết quả chính thức do " +
      "cơ quan có thẩm quyền trả lời.",
    starting: "Trợ lý đang khởi động, anh/chị vui lòng chờ trong giây lát…",
    startingQueued:
      "Trợ lý đang khởi động. Câu hỏi của anh/chị sẽ được gửi ngay khi trợ lý sẵn sàng.",
    ready: "Trợ lý đã sẵn sàng.",
    title: "Trợ lý ảo thủ tục hành chính",
    subtitle: function (province) {
      return province ? "Cổng dịch vụ công " + province : "Cổng dịch vụ công";
    },
    close: "Thu nhỏ cửa sổ trò chuyện",
    restart: "Trò chuyện mới",
    privacy: function (days) {
      return (
        "Số giấy tờ, số điện thoại, email, họ tên và địa chỉ anh/chị gõ được che đi trước khi " +
        "lưu" + (days ? "; cuộc trò chuyện được lưu " + days + " ngày kể từ tin nhắn cuối" : "") +
        ". Anh/chị có thể xóa cuộc trò chuyện này bất cứ lúc nào."
      );
    },
    forget: "Xóa cuộc trò chuyện",
    forgotten: "Đã xóa cuộc trò chuyện của anh/chị khỏi hệ thống.",
    forgetFailed: "Chưa xóa được cuộc trò chuyện, anh/chị vui lòng thử lại sau ít phút.",
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
    goodSent: "Đánh giá: hữu ích",
    badSent: "Đánh giá: chưa hữu ích",
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
      if (saved && Array.isArray(saved.entries)) {
        if (!Array.isArray(saved.outbox)) saved.outbox = [];
        if (!Array.isArray(saved.earlier)) saved.earlier = [];
        // An id of an older form is asked anew; it is kept so that "Xóa cuộc trò chuyện"
        // deletes that conversation too.
        if (typeof saved.sender !== "string" || !ISSUED_ID.test(saved.sender)) {
          retire(saved, saved.sender);
        }
        return saved;
      }
    } catch (e) { /* a broken entry starts a new conversation */ }
    return { sender: null, entries: [], open: false, outbox: [], earlier: [] };
  }

  // The ids this browser's conversation had before its current one (expired, or of an
  // older form): deleted with it on request.
  function retire(target, sender) {
    if (typeof sender === "string" && sender && target.earlier.indexOf(sender) < 0) {
      target.earlier = target.earlier.concat([sender]).slice(-10);
    }
    target.sender = null;
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
  var forgetButton = el("button", { type: "button", className: "tthc-forget", text: TEXT.forget });
  var notice = document.createTextNode(TEXT.note + " " + TEXT.privacy(0) + " ");
  var note = el("p", { className: "tthc-note" }, [notice, forgetButton]);
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
    status, log, note, form,
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering ---------------------------------------------------------------------

  var LINK = /(https?:\/\/[^\s<>"“”]+[^\s<>"“”.,;:!?)\]])/g;

  function linkText(url) {
    // A long address reads as its site ("dichvucong.gov.vn"): short, and where it leads.
    try {
      return new URL(url).hostname.replace(/^www\./, "") || url;
    } catch (e) {
      return url;
    }
  }

  function inline(parent, text) {
    // Text with its web addresses as links; everything through textContent.
    var last = 0;
    text.replace(LINK, function (url, _group, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", {
        href: url, target: "_blank", rel: "noopener noreferrer", title: url, text: linkText(url),
      });
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

  var config = {}; // the deployment's, from /widget/config.json
  var HEAD = 1; // the greeting comes first in the log, before the transcript's entries

  function renderGreeting() {
    // Not part of the transcript: shown before anything is sent, and after a reload.
    var item = el("li", { className: "tthc-message tthc-bot tthc-greeting" }, [speaker(TEXT.bot)]);
    item.appendChild(el("p", { text: TEXT.greeting(config) }));
    var questions = Array.isArray(config.suggested_questions) ? config.suggested_questions : [];
    if (questions.length) {
      item.appendChild(el("p", { text: TEXT.suggestionsIntro }));
      var group = el("div", {
        className: "tthc-suggestions", role: "group", "aria-label": TEXT.suggestions,
      });
      questions.forEach(function (question) {
        var chip = el("button", { type: "button", className: "tthc-suggestion", text: question });
        chip.addEventListener("click", function () { send(String(question)); });
        group.appendChild(chip);
      });
      item.appendChild(group);
    }
    return item;
  }

  function itemAt(index) {
    return log.children[index + HEAD];
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
    var good = el("button", { type: "button", className: "tthc-rate tthc-rate-good" }, [
      thumb(false), el("span", { text: TEXT.good }),
    ]);
    var bad = el("button", { type: "button", className: "tthc-rate tthc-rate-bad" }, [
      thumb(true), el("span", { text: TEXT.bad }),
    ]);
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

  var SVG = "http://www.w3.org/2000/svg";

  function thumb(down) {
    // Drawn, not an emoji: a system without an emoji font would show an empty box.
    var icon = document.createElementNS(SVG, "svg");
    [["viewBox", "0 0 24 24"], ["width", "16"], ["height", "16"], ["aria-hidden", "true"],
      ["focusable", "false"], ["class", "tthc-icon"]].forEach(function (pair) {
      icon.setAttribute(pair[0], pair[1]);
    });
    var shape = document.createElementNS(SVG, "path");
    shape.setAttribute(
      "d", "M3 10h4v11H3zM7 10l4-8c1.7 0 3 1.3 3 3v4h5.4c1.4 0 2.4 1.3 2.1 2.6l-1.6 7" +
        "a2.5 2.5 0 0 1-2.4 2.4H7"
    );
    if (down) shape.setAttribute("transform", "rotate(180 12 12)");
    icon.appendChild(shape);
    return icon;
  }

  function lastBotIndex() {
    for (var i = state.entries.length - 1; i >= 0; i--) {
      if (state.entries[i].from === "bot") return i;
    }
    return -1;
  }

  function answerStart() {
    // The first message of the latest answer (the bot's messages after the last question).
    var index = state.entries.length - 1;
    if (index < 0 || state.entries[index].from !== "bot") return -1;
    while (index > 0 && state.entries[index - 1].from === "bot") index -= 1;
    return index;
  }

  function showLatest() {
    // A new answer is read from its start, not its end: its first message at the top of
    // the log (as far as the log scrolls). A question just sent shows at the bottom, and
    // the greeting, before anything is sent, from its first line.
    if (!state.entries.length) {
      log.scrollTop = 0;
      return;
    }
    var start = answerStart();
    var node = start >= 0 ? itemAt(start) : null;
    if (!node) {
      log.scrollTop = log.scrollHeight;
      return;
    }
    var offset = node.getBoundingClientRect().top - log.getBoundingClientRect().top;
    log.scrollTop += offset - SCROLL_GAP;
  }

  // The log only grows: a screen reader announces each new message once.
  function render() {
    log.textContent = "";
    log.appendChild(renderGreeting());
    state.entries.forEach(function (entry, index) { log.appendChild(renderEntry(entry, index)); });
    showLatest();
  }

  function append(entry) {
    log.querySelectorAll("button.tthc-choice").forEach(function (b) { b.disabled = true; });
    state.entries.push(entry);
    log.appendChild(renderEntry(entry, state.entries.length - 1));
    showLatest();
    save();
  }

  function refresh(index) {
    var node = itemAt(index);
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

  // ---- readiness ---------------------------------------------------------------------
  // Rasa takes a while to load its model after a (re)start, and its port stays closed
  // meanwhile. Until its channel answers once, the widget says the assistant is starting
  // (or that the connection is lost, when the browser is offline) and keeps what is sent.
  // After that, a failed delivery is a lost connection, retried as such.

  var chat = {
    ready: false,
    checking: false,
    timer: null,
    polls: 0,
    waited: false, // the citizen was told it is starting, or offline
    offline: false, // ... that the connection is lost: its return is announced
    resume: false, // a reload interrupted a delivery: it is a retry, not a first try
  };

  function showWaiting() {
    if (navigator.onLine === false) {
      chat.offline = true;
      setStatus(TEXT.offline, "offline");
    } else {
      setStatus(state.outbox.length ? TEXT.startingQueued : TEXT.starting, "starting");
    }
  }

  function checkReady() {
    if (chat.ready || chat.checking) return;
    chat.checking = true;
    clearTimeout(chat.timer);
    fetch(healthcheck, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        chat.checking = false;
        becomeReady();
      })
      .catch(function () {
        chat.checking = false;
        chat.waited = true;
        showWaiting();
        chat.polls += 1;
        var delay = chat.polls < READY_POLLS_FAST ? READY_POLL : READY_POLL_SLOW;
        chat.timer = setTimeout(checkReady, delay);
      });
  }

  function becomeReady() {
    chat.ready = true;
    if (chat.waited && !chat.offline) {
      setStatus(TEXT.ready, "ok");
      setTimeout(function () { if (status.textContent === TEXT.ready) setStatus(""); }, 3000);
    }
    if (state.outbox.length && !sending) deliver(chat.offline || chat.resume ? 1 : 0);
  }

  function send(text, display) {
    if (text.length > MAX_CHARS) {
      setStatus(TEXT.tooLong, "error");
      return;
    }
    var id = newId();
    state.outbox.push({ id: id, text: text, received: 0 });
    append({ from: "user", text: display || text, id: id });
    if (!chat.ready) {
      if (chat.waited) showWaiting(); // now with "sent when ready"
      checkReady();
    } else if (!sending) {
      deliver(0);
    }
  }

  function retry(attempt) {
    inFlight = null;
    setStatus(TEXT.offline, "offline");
    var delay = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
    retryTimer = setTimeout(function () { deliver(attempt + 1); }, delay);
  }

  function startConversation(attempt) {
    // The channel issues the conversation's id; the first message waits for it.
    var mine = generation;
    sending = true;
    form.setAttribute("aria-busy", "true");
    fetch(conversations, { method: "POST", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        if (mine !== generation) return;
        if (!body || typeof body.sender !== "string") throw new Error("no conversation id");
        state.sender = body.sender;
        save();
        deliver(attempt);
      })
      .catch(function () { if (mine === generation) retry(attempt); });
  }

  function deliver(attempt) {
    var pending = state.outbox[0];
    if (!pending) return;
    if (!state.sender) {
      startConversation(attempt);
      return;
    }
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
        var code = response.status;
        if (code === 408 || code === 429 || (code >= 500 && attempt < SERVER_RETRIES)) {
          throw new Error("HTTP " + code); // worth another try
        }
        if (code >= 400) {
          return response
            .json()
            .catch(function () { return {}; })
            .then(function (body) {
              if (mine !== generation) return;
              if (code === 403 && body.code === "unknown_conversation" && !pending.reissued) {
                // The deployment no longer knows this id (its key changed): a new one, once.
                pending.reissued = true;
                retire(state, state.sender);
                save();
                deliver(attempt);
                return;
              }
              var reason = code >= 500 ? TEXT.serverDown : body.error || "HTTP " + code;
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
      showLatest();
      input.focus();
      checkReady();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  function startOver() {
    clearTimeout(retryTimer);
    generation += 1;
    if (inFlight) inFlight.abort();
    inFlight = null;
    sending = false;
    state = { sender: null, entries: [], open: true, outbox: [], earlier: [] };
    save();
    if (chat.ready) setStatus("");
    else showWaiting();
    form.removeAttribute("aria-busy");
    render();
    input.focus();
  }

  restart.addEventListener("click", startOver);
  function forgetOne(sender) {
    return fetch(forgetting, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender }),
    }).then(function (response) {
      // 403: an id the server never issued (an older widget's own) holds nothing to delete.
      if (!response.ok && response.status !== 403) throw new Error("HTTP " + response.status);
    });
  }

  forgetButton.addEventListener("click", function () {
    // The transcript is cleared only once the server says every conversation it had under
    // this browser's ids is deleted.
    var senders = (state.earlier || []).concat(state.sender ? [state.sender] : []);
    if (!senders.length) {
      startOver();
      setStatus(TEXT.forgotten, "ok");
      return;
    }
    forgetButton.disabled = true;
    senders
      .reduce(function (done, sender) {
        return done.then(function () { return forgetOne(sender); });
      }, Promise.resolve())
      .then(function () {
        startOver();
        setStatus(TEXT.forgotten, "ok");
      })
      .catch(function () { setStatus(TEXT.forgetFailed, "error"); })
      .then(function () { forgetButton.disabled = false; });
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
    if (!chat.ready) {
      if (chat.waited) checkReady(); // at once, not at the next poll
      return;
    }
    if (state.outbox.length && !inFlight) deliver(1); // skip the rest of the backoff
  });

  // The deployment's greeting and suggested questions come from the app, which answers
  // long before Rasa does; the widget is useful (and polite) without them too.
  fetch(appBase + "/widget/config.json")
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (loaded) {
      config = loaded && typeof loaded === "object" ? loaded : {};
      if (config.province) subtitle.textContent = TEXT.subtitle(config.province);
      if (config.province) panel.setAttribute("aria-description", TEXT.subtitle(config.province));
      var days = config.conversation_retention_days;
      if (typeof days === "number") notice.textContent = TEXT.note + " " + TEXT.privacy(days) + " ";
      if (log.firstChild) log.replaceChild(renderGreeting(), log.firstChild);
      if (!panel.hidden && !state.entries.length) showLatest();
    })
    .catch(function () { /* the title and a greeting without suggestions will do */ });

  function start() {
    document.body.appendChild(root);
    render();
    if (state.open) setOpen(true);
    if (state.outbox.length) {
      chat.resume = true; // interrupted by a reload: finish delivering
      checkReady();
    }
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
