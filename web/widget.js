/*
 * Plus Kod assistant - the chat widget of the help page. Plain JavaScript, no dependencies.
 *
 * Embed on any page with one tag (the server must list the page's origin in allowed_origins):
 *   <script src="https://ASSISTANT/webhooks/web/static/widget.js" defer></script>
 * Optional attributes: data-server (the channel URL, default: where this file comes from),
 * data-timeout (ms to wait for an answer, default 20000).
 *
 * Safety rules this file keeps:
 *  - no innerHTML: every text from the bot or the customer becomes a text node; links are
 *    built as <a> elements and only for http(s) URLs;
 *  - when the bot asks for a Plus Kod the field is masked (type=password, inputmode=numeric,
 *    autocomplete=off), the transcript shows dots, and the code is kept nowhere: not in the DOM,
 *    not in localStorage/sessionStorage, not in the URL (only the conversation id is kept, in
 *    sessionStorage, so a reload keeps the conversation).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = ((script && script.getAttribute("data-server")) ||
              (script ? script.src.replace(/\/static\/widget\.js(?:[?#].*)?$/, "") : "")
             ).replace(/\/$/, "");
  var TIMEOUT_MS = Number((script && script.getAttribute("data-timeout")) || 20000);
  var KEY_ID = "pluskod.conversation";
  var KEY_OPEN = "pluskod.open";
  var DOTS = "•••••";
  var T = {
    launcher: "Zapytaj o Plus Kod",
    title: "Asystent Plus Kod",
    intro: "Dzień dobry! Zapytaj mnie o Plus Kod: czym jest, jak go dostać i jak go aktywować.",
    label: "Twoja wiadomość",
    labelSecret: "Plus Kod (ukryty podczas wpisywania)",
    placeholder: "Napisz wiadomość…",
    placeholderSecret: "Wpisz kod – same cyfry",
    send: "Wyślij",
    close: "Zamknij czat",
    reset: "Nowa rozmowa",
    handoff: "Połącz z konsultantem",
    typing: "Asystent pisze…",
    offline: "Nie udało się połączyć z asystentem. Sprawdź połączenie z internetem i spróbuj ponownie.",
    slow: "Asystent nie odpowiedział na czas. Spróbuj ponownie za chwilę.",
    failed: "Coś poszło nie tak po stronie asystenta. Spróbuj ponownie za chwilę.",
    retry: "Spróbuj ponownie",
    retypeCode: "Ze względów bezpieczeństwa nie zapamiętałem kodu – wpisz go ponownie.",
    you: "Ty",
    bot: "Asystent"
  };

  var conversationId = sessionStorage.getItem(KEY_ID);
  var secretInput = false;
  var busy = false;

  // --- DOM -------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "hidden") { node.hidden = !!attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  if (!document.querySelector("link[data-pluskod-css]")) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/widget.css",
                                           "data-pluskod-css": "" }));
  }

  var launcher = el("button", { type: "button", "class": "pk-launcher", "aria-expanded": "false",
                                "aria-controls": "pk-panel", text: T.launcher });
  var resetButton = el("button", { type: "button", "class": "pk-link", text: T.reset });
  var closeButton = el("button", { type: "button", "class": "pk-close", "aria-label": T.close,
                                   text: "×" });
  var log = el("div", { "class": "pk-log", role: "log", "aria-live": "polite",
                        "aria-relevant": "additions", "aria-label": "Rozmowa", tabindex: "0" });
  var status = el("div", { "class": "pk-status", role: "status", "aria-live": "polite" });
  var handoffButton = el("button", { type: "button", "class": "pk-handoff", text: T.handoff });
  var label = el("label", { "for": "pk-input", "class": "pk-visually-hidden", text: T.label });
  var input = el("input", { id: "pk-input", "class": "pk-input", type: "text",
                            autocomplete: "off", placeholder: T.placeholder,
                            "aria-describedby": "pk-status" });
  status.id = "pk-status";
  var sendButton = el("button", { type: "submit", "class": "pk-send", text: T.send });
  var form = el("form", { "class": "pk-form" }, [label, input, sendButton]);
  var panel = el("section", { id: "pk-panel", "class": "pk-panel", role: "dialog",
                              "aria-labelledby": "pk-title", hidden: true }, [
    el("header", { "class": "pk-header" }, [
      el("h2", { id: "pk-title", "class": "pk-title", text: T.title }), resetButton, closeButton]),
    log, status, el("div", { "class": "pk-actions" }, [handoffButton]), form]);
  var root = el("div", { "class": "pk-widget" }, [panel, launcher]);
  document.body.appendChild(root);

  // --- transcript ----------------------------------------------------------------------
  var URL_RE = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g;

  function textWithLinks(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    String(text).replace(URL_RE, function (url, _group, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer",
                                     text: url }));
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(String(text).slice(last)));
    return fragment;
  }

  function addMessage(from, text, buttons) {
    var bubble = el("div", { "class": "pk-msg pk-" + from });
    bubble.appendChild(el("span", { "class": "pk-visually-hidden",
                                    text: (from === "user" ? T.you : T.bot) + ": " }));
    var body = el("p", { "class": "pk-text" });
    body.appendChild(textWithLinks(text || ""));
    bubble.appendChild(body);
    if (buttons && buttons.length) {
      var group = el("div", { "class": "pk-quick", role: "group", "aria-label": "Podpowiedzi" });
      buttons.forEach(function (button) {
        var quick = el("button", { type: "button", "class": "pk-quick-reply", text: button.title });
        quick.addEventListener("click", function () { send(button.payload, button.title); });
        group.appendChild(quick);
      });
      bubble.appendChild(group);
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    return bubble;
  }

  function addError(text, retry) {
    var bubble = el("div", { "class": "pk-msg pk-error", role: "alert" });
    bubble.appendChild(el("p", { "class": "pk-text", text: text }));
    if (retry) {
      var again = el("button", { type: "button", "class": "pk-retry", text: T.retry });
      again.addEventListener("click", function () {
        bubble.remove();
        retry();
      });
      bubble.appendChild(again);
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
  }

  function setSecret(secret) {
    secretInput = !!secret;
    input.value = "";
    input.type = secretInput ? "password" : "text";
    if (secretInput) { input.setAttribute("inputmode", "numeric"); }
    else { input.removeAttribute("inputmode"); }
    input.placeholder = secretInput ? T.placeholderSecret : T.placeholder;
    label.textContent = secretInput ? T.labelSecret : T.label;
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    status.textContent = value ? T.typing : "";
    log.setAttribute("aria-busy", value ? "true" : "false");
    root.classList.toggle("pk-busy", value);
  }

  // --- server --------------------------------------------------------------------------
  function call(method, path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(BASE + path, {
      method: method, signal: controller.signal, credentials: "omit", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }, function (error) {
      throw { kind: error && error.name === "AbortError" ? "slow" : "offline" };
    }).finally(function () { clearTimeout(timer); });
  }

  function conversation() {
    if (conversationId) { return Promise.resolve(conversationId); }
    return call("POST", "/conversations").then(function (reply) {
      if (reply.status !== 201 || !reply.data.conversation_id) { throw { kind: "failed" }; }
      conversationId = reply.data.conversation_id;
      sessionStorage.setItem(KEY_ID, conversationId);
      return conversationId;
    });
  }

  function deliver(text, firstTry) {
    return conversation().then(function (id) {
      return call("POST", "/conversations/" + encodeURIComponent(id) + "/messages",
                  { message: text });
    }).then(function (reply) {
      if (reply.status === 404 && firstTry) {   // the server no longer knows this conversation
        forget();
        return deliver(text, false);
      }
      (reply.data.messages || []).forEach(function (message) {
        addMessage("bot", message.text, message.buttons);
      });
      if (reply.status >= 500 || (reply.status >= 400 && !reply.data.messages)) {
        throw { kind: "failed" };
      }
      setSecret(reply.data.secret_input);
    });
  }

  function send(text, shownAs) {
    if (busy) { return; }
    var wasSecret = secretInput;
    addMessage("user", wasSecret ? DOTS : (shownAs || text));
    log.querySelectorAll(".pk-quick-reply").forEach(function (b) { b.disabled = true; });
    setBusy(true);
    deliver(text, true).catch(function (error) {
      var message = T[(error && error.kind) || "failed"] || T.failed;
      if (wasSecret) {            // never keep a code for a retry: ask for it again
        addError(message + " " + T.retypeCode, null);
        setSecret(true);
      } else {
        addError(message, function () { resend(text); });
      }
    }).finally(function () {
      setBusy(false);
      if (!panel.hidden) { input.focus(); }
    });
  }

  function resend(text) {
    setBusy(true);
    deliver(text, true).catch(function (error) {
      addError(T[(error && error.kind) || "failed"] || T.failed, function () { resend(text); });
    }).finally(function () { setBusy(false); input.focus(); });
  }

  function restore() {
    if (!conversationId) { addMessage("bot", T.intro); return; }
    setBusy(true);
    call("GET", "/conversations/" + encodeURIComponent(conversationId)).then(function (reply) {
      if (reply.status === 404) { forget(); addMessage("bot", T.intro); return; }
      if (reply.status !== 200) { throw { kind: "failed" }; }
      if (!(reply.data.messages || []).length) { addMessage("bot", T.intro); }
      (reply.data.messages || []).forEach(function (message) {
        addMessage(message.from === "user" ? "user" : "bot", message.text, message.buttons);
      });
      setSecret(reply.data.secret_input);
    }).catch(function (error) {
      addError(T[(error && error.kind) || "failed"] || T.failed, function () {
        log.textContent = "";
        restore();
      });
    }).finally(function () { setBusy(false); });
  }

  function forget() {
    conversationId = null;
    sessionStorage.removeItem(KEY_ID);
  }

  // --- open, close, keyboard -----------------------------------------------------------
  var restored = false;

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("pk-open");
    sessionStorage.setItem(KEY_OPEN, "1");
    if (!restored) { restored = true; restore(); }
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("pk-open");
    sessionStorage.removeItem(KEY_OPEN);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    if (!text.trim()) { input.focus(); return; }
    send(text);
  });
  handoffButton.addEventListener("click", function () { send("/human_handoff", T.handoff); });
  resetButton.addEventListener("click", function () {
    forget();
    log.textContent = "";
    setSecret(false);
    addMessage("bot", T.intro);
    input.focus();
  });

  if (sessionStorage.getItem(KEY_OPEN)) { open(); }
}());
