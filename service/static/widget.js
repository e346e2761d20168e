/*
 * Chat widget of the knowledge base. One line embeds it on any page:
 *   <script src="https://kb.example/widget.js" data-kb-url="https://kb.example" defer></script>
 *
 * Vanilla JS, no build step. Everything lives in a Shadow DOM (styles neither leak in nor out).
 * Every text that comes from a user or a document is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  // currentScript is null in some embeddings (e.g. a module bundle): look for the tag instead
  var SCRIPT =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-kb-url]') ||
    document.querySelector('script[src*="widget.js"]');
  if (window.__gkKbWidget) return; // embedded twice: one widget is enough
  window.__gkKbWidget = true;

  var HISTORY_TURNS = 10; // previous turns sent along, so follow-ups work
  var MAX_TURN_CHARS = 4000; // service limit per turn
  var MAX_QUESTION_CHARS = 1000;
  var MAX_STORED = 60; // messages kept in sessionStorage
  var TIMEOUT_MS = 60000;

  var KB_URL = kbUrl(SCRIPT);
  var STORE_KEY = "gk-kb-chat:" + KB_URL;
  // Name, welcome text, example questions and colours come from the service (/api/site), so
  // another initiative runs the same widget; until they arrive, neutral texts.
  var SITE = {
    name: "",
    welcome: "Hallo! Ich beantworte Fragen zu den Dokumenten – mit wörtlichem Zitat, Dokument und Seite.",
    examples: [],
  };

  var CSS = [
    ":host{all:initial!important;}",
    ".root{all:initial;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;",
    "font-size:16px;line-height:1.45;color:#1b1b1b;font-weight:400;letter-spacing:normal;",
    "text-align:left;}",
    ".root *,.root *::before,.root *::after{box-sizing:border-box;}",
    "button,input,textarea{font:inherit;color:inherit;letter-spacing:inherit;}",
    "a{color:var(--kb-primary,#0b5394);}",
    "a:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid var(--kb-accent,#f5a623);",
    "outline-offset:2px;}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;",
    "clip:rect(0 0 0 0);white-space:nowrap;border:0;}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;",
    "align-items:center;gap:8px;min-height:48px;padding:10px 18px;border:0;border-radius:24px;",
    "background:var(--kb-primary,#0b5394);color:#fff;font-size:16px;font-weight:600;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25);}",
    ".launcher:hover{filter:brightness(.85);}",
    ".launcher svg{width:22px;height:22px;flex:none;}",
    ".badge svg,.error .text svg{width:16px;height:16px;flex:none;vertical-align:-3px;}",
    ".error .text svg{margin-right:6px;}",
    ".thumb svg{width:18px;height:18px;vertical-align:middle;}",
    ".panel{position:fixed;right:16px;bottom:80px;z-index:2147483001;display:flex;",
    "flex-direction:column;width:400px;max-width:calc(100vw - 32px);height:620px;",
    "max-height:calc(100vh - 96px);background:#fff;border:1px solid #c9d3de;border-radius:12px;",
    "box-shadow:0 10px 34px rgba(0,0,0,.28);overflow:hidden;}",
    ".panel[hidden]{display:none;}",
    ".head{display:flex;align-items:center;gap:8px;padding:10px 12px;background:var(--kb-primary,#0b5394);",
    "color:#fff;}",
    ".head h2{flex:1;margin:0;font-size:16px;font-weight:700;line-height:1.3;}",
    ".head button{min-height:36px;padding:4px 10px;border:1px solid rgba(255,255,255,.6);",
    "border-radius:6px;background:transparent;color:#fff;font-size:14px;cursor:pointer;}",
    ".head button.close{min-width:36px;font-size:20px;line-height:1;}",
    ".head button:hover{background:rgba(255,255,255,.15);}",
    ".messages{flex:1;overflow-y:auto;padding:12px;background:#f5f7fa;}",
    ".msg{margin:0 0 12px;padding:10px 12px;border-radius:10px;max-width:100%;",
    "overflow-wrap:anywhere;}",
    ".msg.user{margin-left:48px;background:var(--kb-primary,#0b5394);color:#fff;white-space:pre-wrap;}",
    ".msg.bot{background:#fff;border:1px solid #d6dde6;}",
    ".msg.intro{background:#e8f0f8;border:1px solid #c3d5e8;}",
    ".msg.intro p{margin:0 0 8px;}",
    ".examples{display:flex;flex-wrap:wrap;gap:6px;}",
    ".examples button{padding:6px 10px;border:1px solid var(--kb-primary,#0b5394);border-radius:16px;",
    "background:#fff;color:var(--kb-primary,#0b5394);font-size:14px;cursor:pointer;}",
    ".who{display:block;margin-bottom:4px;font-size:12px;font-weight:700;color:#4a5968;}",
    ".msg.user .who{color:#dce8f5;}",
    ".searched{margin:0 0 6px;font-size:13px;color:#4a5968;}",
    ".badge{display:inline-flex;align-items:center;gap:6px;margin:0 0 6px;padding:2px 8px;",
    "border-radius:10px;font-size:13px;font-weight:600;}",
    ".badge.uncertain{background:#fff4d6;color:#6b4e00;border:1px solid #e6c35c;}",
    ".msg.refused{background:#f3f3f3;border:1px dashed #8a8a8a;color:#333;}",
    ".badge.refused{background:#e4e4e4;color:#333;border:1px solid #9a9a9a;}",
    ".msg.uncertain{border-left:4px solid #e6a700;}",
    ".msg.error{background:#fdecec;border:1px solid #e3a0a0;color:#7a1010;}",
    ".msg.error .detail{margin:4px 0 0;font-size:13px;}",
    ".answer p{margin:0 0 8px;}",
    ".answer ul{margin:0 0 8px;padding-left:20px;}",
    ".answer li{margin:0 0 4px;}",
    ".cite{display:inline-block;min-width:24px;margin:0 1px;padding:0 4px;",
    "border:1px solid var(--kb-primary,#0b5394);",
    "border-radius:4px;background:#e8f0f8;color:var(--kb-primary,#0b5394);font-size:13px;font-weight:700;",
    "line-height:1.4;cursor:pointer;vertical-align:baseline;}",
    ".cite[aria-expanded=true]{background:var(--kb-primary,#0b5394);color:#fff;}",
    ".source{margin:8px 0;padding:10px;border:1px solid #c3d5e8;border-radius:8px;",
    "background:#f8fbfe;}",
    ".source h3{margin:0 0 6px;font-size:14px;}",
    ".source blockquote{margin:0 0 8px;padding:4px 0 4px 10px;border-left:4px solid #f5c542;",
    "white-space:pre-line;font-style:italic;}",
    ".source p{margin:0 0 4px;font-size:14px;}",
    ".source .links{display:flex;flex-wrap:wrap;gap:4px 14px;}",
    ".sources{margin:8px 0 0;padding:0;list-style:none;font-size:13px;}",
    ".sources li{margin:2px 0;}",
    ".sources button{padding:0;border:0;background:none;color:var(--kb-primary,#0b5394);text-align:left;",
    "text-decoration:underline;cursor:pointer;font-size:13px;}",
    ".feedback{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:8px;",
    "font-size:13px;color:#4a5968;}",
    ".feedback button.thumb{min-width:40px;min-height:34px;padding:2px 8px;",
    "border:1px solid #b8c4d0;",
    "border-radius:6px;background:#fff;font-size:16px;cursor:pointer;}",
    ".feedback button.thumb[aria-pressed=true]{background:var(--kb-primary,#0b5394);color:#fff;",
    "border-color:var(--kb-primary,#0b5394);}",
    ".fb-form{flex-basis:100%;display:flex;flex-direction:column;gap:6px;margin-top:6px;}",
    ".fb-form textarea{width:100%;min-height:56px;padding:6px;border:1px solid #8a99a8;",
    "border-radius:6px;background:#fff;resize:vertical;font-size:14px;}",
    ".fb-form .row{display:flex;gap:8px;}",
    ".btn{min-height:36px;padding:6px 12px;border:1px solid var(--kb-primary,#0b5394);border-radius:6px;",
    "background:var(--kb-primary,#0b5394);color:#fff;font-size:14px;cursor:pointer;}",
    ".btn.secondary{background:#fff;color:var(--kb-primary,#0b5394);}",
    ".thanks{flex-basis:100%;margin:4px 0 0;color:#1d6b2c;font-weight:600;}",
    ".typing{color:#4a5968;font-style:italic;}",
    ".form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px;",
    "border-top:1px solid #d6dde6;",
    "background:#fff;}",
    ".form textarea{flex:1;min-height:44px;max-height:120px;padding:10px;border:1px solid #8a99a8;",
    "border-radius:8px;background:#fff;resize:none;font-size:16px;}",
    ".form .btn{min-height:44px;}",
    ".form .btn[disabled]{opacity:.6;cursor:wait;}",
    ".note{margin:0;padding:0 12px 8px;background:#fff;font-size:12px;color:#4a5968;}",
    "@media (max-width:480px){",
    ".panel{top:0;right:0;bottom:0;left:0;width:100%;max-width:100%;height:100%;max-height:100%;",
    "border:0;border-radius:0;}",
    ".msg.user{margin-left:24px;}",
    "}",
    "@media (prefers-reduced-motion:no-preference){.launcher{transition:background .15s;}}",
  ].join("");

  // -- small helpers ---------------------------------------------------------------------------

  function kbUrl(script) {
    var raw = script && script.getAttribute("data-kb-url");
    var base = null;
    try {
      if (raw) base = new URL(raw, location.href);
      else if (script && script.src) base = new URL(new URL(script.src, location.href).origin);
    } catch (e) {
      base = null;
    }
    if (!base || (base.protocol !== "https:" && base.protocol !== "http:")) {
      base = new URL(location.origin);
    }
    return (base.origin + base.pathname).replace(/\/+$/, "");
  }

  /** A link into the KB service; only service-relative paths ("/…") are accepted. */
  function kbLink(path) {
    if (typeof path !== "string" || path.charAt(0) !== "/" || path.charAt(1) === "/") return null;
    return KB_URL + path;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
        var value = attrs[key];
        if (value === null || value === undefined || value === false) continue;
        if (key === "text") node.textContent = String(value);
        else if (key === "className") node.className = value;
        else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function icon(paths) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", paths);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  var ICONS = {
    chat:
      "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 " +
      "6v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z",
    up:
      "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 " +
      "1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09" +
      "-.23.14-.47.14-.73v-2z",
    down:
      "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-" +
      ".95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-" +
      "2-2-2zm4 0v12h4V3h-4z",
    info:
      "M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm1 15h-2v-6h2v6zm0-8h-" +
      "2V7h2v2z",
    warning: "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
  };

  function squash(text) {
    return String(text || "").split(/\s+/).filter(Boolean).join(" ");
  }

  function germanPart(detail) {
    // service errors are "Deutsch (English)"; the German half is for people
    var i = detail.indexOf(" (");
    return i > 0 ? detail.slice(0, i) : detail;
  }

  function pageLabel(c) {
    return c.page ? "Seite " + c.page : null;
  }

  // -- storage ---------------------------------------------------------------------------------

  function load() {
    try {
      var data = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      return data && data.v === 1 && Array.isArray(data.messages) ? data.messages : [];
    } catch (e) {
      return []; // storage blocked or garbage: start fresh
    }
  }

  function save(messages) {
    try {
      var kept = messages.slice(-MAX_STORED);
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify({ v: 1, messages: kept }));
    } catch (e) {
      /* storage full or blocked: the conversation just won't survive a reload */
    }
  }

  function forget() {
    try {
      window.sessionStorage.removeItem(STORE_KEY);
    } catch (e) {
      /* nothing stored */
    }
  }

  // -- server-sent events over fetch (EventSource cannot POST) --------------------------------

  function parseEvent(block) {
    var event = "message";
    var data = [];
    block.split(/\r?\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) event = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (!data.length) return null;
    try {
      return { event: event, data: JSON.parse(data.join("\n")) };
    } catch (e) {
      return null;
    }
  }

  function readEvents(response, onEvent) {
    var buffer = "";
    function drain(final) {
      var parts = buffer.split(/\r?\n\r?\n/);
      buffer = final ? "" : parts.pop();
      parts.forEach(function (block) {
        var ev = block.trim() && parseEvent(block);
        if (ev) onEvent(ev.event, ev.data);
      });
    }
    if (!response.body || !response.body.getReader) {
      return response.text().then(function (text) {
        buffer = text;
        drain(true);
      });
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder("utf-8");
    function pump() {
      return reader.read().then(function (step) {
        if (step.done) {
          buffer += decoder.decode();
          drain(true);
          return;
        }
        buffer += decoder.decode(step.value, { stream: true });
        drain(false);
        return pump();
      });
    }
    return pump();
  }

  function errorFrom(response) {
    return response
      .json()
      .catch(function () {
        return {};
      })
      .then(function (body) {
        var detail = body && typeof body.detail === "string" ? body.detail : "";
        var err = new Error(detail || "HTTP " + response.status);
        err.status = response.status;
        err.detail = detail;
        throw err;
      });
  }

  function politeError(err) {
    if (err && err.name === "AbortError") {
      return { text: "Die Antwort hat zu lange gedauert. Bitte versuchen Sie es noch einmal." };
    }
    if (err && err.interrupted) {
      return { text: "Die Verbindung wurde unterbrochen. Bitte versuchen Sie es noch einmal." };
    }
    if (!err || !err.status) {
      return {
        text:
          "Der Dienst ist gerade nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung " +
          "und versuchen Sie es später noch einmal.",
      };
    }
    var s = err.status;
    var text =
      s === 413
        ? "Die Anfrage ist zu groß. Bitte stellen Sie eine kürzere Frage."
        : s === 429
          ? "Gerade kommen sehr viele Fragen an. Bitte warten Sie einen Moment."
          : s >= 500
            ? "Der Dienst hat gerade ein Problem. Bitte versuchen Sie es später noch einmal."
            : "Diese Frage konnte nicht verarbeitet werden.";
    return { text: text, detail: err.detail ? germanPart(err.detail) : null };
  }

  // -- the widget ------------------------------------------------------------------------------

  function Widget() {
    this.messages = load();
    this.busy = false;
    this.controller = null;
    this.seq = 0;
    this.build();
    this.renderAll();
    this.loadSite();
  }

  function openLabel() {
    return (
      "Chat öffnen: Fragen an die Wissensdatenbank" + (SITE.name ? " „" + SITE.name + "“" : "")
    );
  }

  Widget.prototype.build = function () {
    var self = this;
    var host = el("div", { "data-gk-kb-widget": "" });
    var shadow = host.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        shadow.adoptedStyleSheets = [sheet];
      } catch (e) {
        shadow.appendChild(el("style", { text: CSS }));
      }
    } else {
      shadow.appendChild(el("style", { text: CSS }));
    }
    this.shadow = shadow;

    this.launcher = el(
      "button",
      {
        type: "button",
        className: "launcher",
        "aria-label": openLabel(),
        "aria-expanded": "false",
        "aria-controls": "gk-panel",
        onclick: function () {
          if (self.isOpen()) self.close();
          else self.open();
        },
      },
      [
        icon(ICONS.chat),
        el("span", { "aria-hidden": "true", text: "Fragen?" }),
      ],
    );

    this.list = el("div", {
      className: "messages",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions text",
      "aria-label": "Unterhaltung",
      tabindex: "0",
    });
    this.input = el("textarea", {
      id: "gk-input",
      rows: "1",
      maxlength: String(MAX_QUESTION_CHARS),
      placeholder: "Ihre Frage …",
      autocomplete: "off",
      enterkeyhint: "send",
      onkeydown: function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          self.submit();
        }
      },
    });
    this.send = el("button", { type: "submit", className: "btn", text: "Senden" });
    var form = el(
      "form",
      {
        className: "form",
        onsubmit: function (ev) {
          ev.preventDefault();
          self.submit();
        },
      },
      [
        el("label", { for: "gk-input", className: "sr", text: "Ihre Frage" }),
        this.input,
        this.send,
      ],
    );
    this.clearButton = el("button", {
      type: "button",
      text: "Verlauf löschen",
      onclick: function () {
        self.clear();
      },
    });
    this.panel = el(
      "div",
      {
        id: "gk-panel",
        className: "panel",
        role: "dialog",
        "aria-modal": "true",
        "aria-label": "Chat: Fragen an die Wissensdatenbank",
        hidden: true,
        onkeydown: function (ev) {
          self.onKey(ev);
        },
      },
      [
        el("div", { className: "head" }, [
          el("h2", { id: "gk-title", text: "Fragen an die Wissensdatenbank" }),
          this.clearButton,
          el("button", {
            type: "button",
            className: "close",
            "aria-label": "Chat schließen",
            text: "×",
            onclick: function () {
              self.close();
            },
          }),
        ]),
        this.list,
        form,
        el("p", {
          className: "note",
          text:
            "Antworten sind wörtliche Zitate aus den Dokumenten der Landesinitiative. " +
            "Bitte keine persönlichen Daten eingeben.",
        }),
      ],
    );
    this.status = el("div", { className: "sr", role: "status", "aria-live": "polite" });
    this.root = el("div", { className: "root" }, [this.launcher, this.panel, this.status]);
    shadow.appendChild(this.root);
    document.body.appendChild(host);
  };

  Widget.prototype.isOpen = function () {
    return !this.panel.hidden;
  };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", "Chat schließen");
    this.list.scrollTop = this.list.scrollHeight;
    this.input.focus();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", openLabel());
    this.launcher.focus();
  };

  Widget.prototype.focusables = function () {
    var nodes = this.panel.querySelectorAll(
      "button,textarea,input,a[href],[tabindex]:not([tabindex='-1'])",
    );
    return Array.prototype.filter.call(nodes, function (n) {
      return !n.disabled && !n.hidden && n.getClientRects().length > 0;
    });
  };

  Widget.prototype.onKey = function (ev) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      this.close();
      return;
    }
    if (ev.key !== "Tab") return;
    var items = this.focusables();
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var active = this.shadow.activeElement;
    if (ev.shiftKey && (active === first || items.indexOf(active) < 0)) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && (active === last || items.indexOf(active) < 0)) {
      ev.preventDefault();
      first.focus();
    }
  };

  Widget.prototype.announce = function (text) {
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  };

  // -- rendering -------------------------------------------------------------------------------

  Widget.prototype.renderAll = function () {
    var self = this;
    this.list.textContent = "";
    this.list.appendChild(this.intro());
    this.messages.forEach(function (m) {
      self.list.appendChild(m.role === "user" ? self.userNode(m) : self.botNode(m));
    });
  };

  Widget.prototype.intro = function () {
    var self = this;
    return el("div", { className: "msg intro" }, [
      el("p", { text: SITE.welcome }),
      SITE.examples.length
        ? el(
            "div",
            { className: "examples", role: "group", "aria-label": "Beispielfragen" },
            SITE.examples.map(function (q) {
              return el("button", {
                type: "button",
                text: q,
                onclick: function () {
                  self.input.value = q;
                  self.submit();
                },
              });
            }),
          )
        : null,
    ]);
  };

  /** The deployment's texts and colours; the widget works without them. */
  Widget.prototype.loadSite = function () {
    var self = this;
    if (!window.fetch) return;
    fetch(KB_URL + "/api/site", { credentials: "omit" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (site) {
        if (!site || typeof site !== "object") return;
        if (typeof site.name === "string") SITE.name = site.name.slice(0, 120);
        if (typeof site.welcome === "string" && site.welcome) {
          SITE.welcome = site.welcome.slice(0, 1000);
        }
        if (Array.isArray(site.examples)) {
          SITE.examples = site.examples
            .filter(function (q) {
              return typeof q === "string" && q;
            })
            .slice(0, 6);
        }
        var colour = /^#[0-9a-fA-F]{6}$/;
        if (colour.test(site.primary_color || "")) {
          self.root.style.setProperty("--kb-primary", site.primary_color);
        }
        if (colour.test(site.accent_color || "")) {
          self.root.style.setProperty("--kb-accent", site.accent_color);
        }
        if (!self.isOpen()) self.launcher.setAttribute("aria-label", openLabel());
        var old = self.list.querySelector(".msg.intro");
        if (old) self.list.replaceChild(self.intro(), old);
      })
      .catch(function () {});
  };

  Widget.prototype.userNode = function (m) {
    return el("div", { className: "msg user" }, [
      el("span", { className: "who", text: "Ihre Frage" }),
      el("span", { className: "text", text: m.text }),
    ]);
  };

  Widget.prototype.botNode = function (m) {
    if (m.error) {
      return el("div", { className: "msg bot error", role: "alert" }, [
        el("span", { className: "who", text: "Hinweis" }),
        el("p", { className: "text" }, [icon(ICONS.warning), m.error]),
        m.detail ? el("p", { className: "detail", text: m.detail }) : null,
      ]);
    }
    var node = el("div", { className: "msg bot", "data-answer-id": m.answer_id || "" });
    m.id = "a" + ++this.seq; // ids are per page view, never stored ones
    node.id = "gk-" + m.id;
    this.fillBot(node, m, false);
    return node;
  };

  /** (Re)draws an answer; while streaming the markers stay plain text. */
  Widget.prototype.fillBot = function (node, m, streaming) {
    node.textContent = "";
    // a greeting or thanks told what the assistant does is no failed search
    var smallTalk = m.mode === "small-talk";
    node.className =
      "msg bot" + (m.refused && !smallTalk ? " refused" : m.uncertain ? " uncertain" : "");
    node.appendChild(el("span", { className: "who", text: "Antwort" }));
    if (m.searched && squash(m.searched) !== squash(m.question)) {
      node.appendChild(
        el("p", { className: "searched" }, ["Gesucht wurde: „" + squash(m.searched) + "“"]),
      );
    }
    if (m.refused && !smallTalk) {
      node.appendChild(
        el("p", { className: "badge refused" }, [
          icon(ICONS.info),
          "Keine passende Stelle gefunden",
        ]),
      );
    } else if (m.uncertain) {
      node.appendChild(
        el("p", { className: "badge uncertain" }, [
          icon(ICONS.warning),
          "Unsichere Antwort – bitte die Quellen prüfen",
        ]),
      );
    }
    var body = el("div", { className: "answer" });
    this.answerText(body, m, streaming);
    node.appendChild(body);
    if (streaming) {
      if (!m.answer) node.appendChild(el("p", { className: "typing", text: "Suche läuft …" }));
      return;
    }
    var detail = el("div", { className: "detail-slot" });
    node.appendChild(detail);
    if (m.citations && m.citations.length) node.appendChild(this.sourceList(m));
    if (m.answer_id && !smallTalk) node.appendChild(this.feedback(m));
  };

  Widget.prototype.answerText = function (body, m, streaming) {
    var self = this;
    var byN = {};
    (streaming ? [] : m.citations || []).forEach(function (c) {
      byN[c.n] = c;
    });
    var list = null;
    String(m.answer || "")
      .split("\n")
      .forEach(function (line) {
        if (!line.trim()) return;
        var item = /^\s*[-•]\s+/.test(line);
        var block = el(item ? "li" : "p");
        if (item) {
          if (!list) {
            list = el("ul");
            body.appendChild(list);
          }
          list.appendChild(block);
          line = line.replace(/^\s*[-•]\s+/, "");
        } else {
          list = null;
          body.appendChild(block);
        }
        line.split(/(\[\d+\])/).forEach(function (part) {
          var match = /^\[(\d+)\]$/.exec(part);
          var c = match && byN[Number(match[1])];
          if (c) block.appendChild(self.citeButton(m, c, "cite"));
          else if (part) block.appendChild(document.createTextNode(part));
        });
      });
  };

  Widget.prototype.citeButton = function (m, c, kind) {
    var self = this;
    var label = kind === "cite" ? "[" + c.n + "]" : "[" + c.n + "] " + c.title;
    if (kind !== "cite" && c.page) label += ", S. " + c.page;
    return el("button", {
      type: "button",
      className: kind,
      "data-n": String(c.n),
      "aria-expanded": "false",
      "aria-controls": "gk-" + m.id + "-source",
      "aria-label": kind === "cite" ? "Quelle " + c.n + " anzeigen" : null,
      text: label,
      onclick: function (ev) {
        self.toggleSource(m, c, ev.currentTarget);
      },
    });
  };

  Widget.prototype.sourceList = function (m) {
    var self = this;
    return el("div", {}, [
      el("span", { className: "who", text: "Quellen" }),
      el(
        "ul",
        { className: "sources" },
        m.citations.map(function (c) {
          return el("li", {}, [self.citeButton(m, c, "source-link")]);
        }),
      ),
    ]);
  };

  Widget.prototype.toggleSource = function (m, c, button) {
    var node = this.shadow.getElementById("gk-" + m.id);
    if (!node) return;
    var slot = node.querySelector(".detail-slot");
    var wasOpen = button.getAttribute("aria-expanded") === "true";
    Array.prototype.forEach.call(node.querySelectorAll("[aria-expanded]"), function (b) {
      b.setAttribute("aria-expanded", "false");
    });
    slot.textContent = "";
    if (wasOpen) return;
    Array.prototype.forEach.call(node.querySelectorAll("[data-n='" + c.n + "']"), function (b) {
      b.setAttribute("aria-expanded", "true");
    });
    var box = this.sourceBox(m, c);
    slot.appendChild(box);
    this.reveal(box, "nearest");
  };

  /** Scrolls the message list (never the host page) so that ``child`` is visible. */
  Widget.prototype.reveal = function (child, align) {
    var list = this.list.getBoundingClientRect();
    var box = child.getBoundingClientRect();
    if (align === "top") {
      this.list.scrollTop += box.top - list.top - 8;
    } else if (box.bottom > list.bottom) {
      this.list.scrollTop += Math.min(box.bottom - list.bottom + 8, box.top - list.top - 8);
    } else if (box.top < list.top) {
      this.list.scrollTop += box.top - list.top - 8;
    }
  };

  Widget.prototype.sourceBox = function (m, c) {
    var original = kbLink(c.url);
    var context = kbLink(c.context_url);
    if (context && context.indexOf("#") < 0) context += "#zitat";
    var where = [c.title, pageLabel(c)].filter(Boolean).join(", ");
    var links = el("p", { className: "links" }, [
      original
        ? el("a", {
            href: original,
            target: "_blank",
            rel: "noopener noreferrer",
            className: "original",
            text: c.page ? "Original öffnen (Seite " + c.page + ")" : "Original öffnen",
          })
        : null,
      context
        ? el("a", {
            href: context,
            target: "_blank",
            rel: "noopener noreferrer",
            className: "context",
            text: "Stelle im Text zeigen",
          })
        : null,
    ]);
    var attrs = {
      className: "source",
      id: "gk-" + m.id + "-source",
      role: "region",
      "aria-label": "Quelle " + c.n,
    };
    return el("div", attrs, [
      el("h3", { text: "Quelle [" + c.n + "]" }),
      el("blockquote", { className: "quote", text: c.quote }),
      el("p", { className: "where" }, [el("strong", { className: "title", text: where })]),
      c.section ? el("p", { className: "section", text: "Abschnitt: " + c.section }) : null,
      el("p", { className: "file", text: "Datei: " + c.file }),
      links,
    ]);
  };

  Widget.prototype.feedback = function (m) {
    var self = this;
    var box = el("div", {
      className: "feedback",
      role: "group",
      "aria-label": "Rückmeldung zur Antwort",
    });
    if (m.feedback) {
      box.appendChild(el("p", { className: "thanks", text: "✓ Danke für Ihre Rückmeldung!" }));
      return box;
    }
    box.appendChild(el("span", { text: "Hilfreich?" }));
    var up = thumb("up", "Ja, die Antwort war hilfreich");
    var down = thumb("down", "Nein, die Antwort war nicht hilfreich");
    box.appendChild(up);
    box.appendChild(down);
    var form = null;

    function thumb(rating, label) {
      var button = el("button", {
        type: "button",
        className: "thumb " + rating,
        "aria-label": label,
        title: label,
        "aria-pressed": "false",
        onclick: function () {
          up.setAttribute("aria-pressed", String(rating === "up"));
          down.setAttribute("aria-pressed", String(rating === "down"));
          if (form) form.remove();
          form = self.feedbackForm(m, rating, box);
          box.appendChild(form);
          form.querySelector("textarea").focus();
        },
      });
      button.appendChild(icon(ICONS[rating]));
      return button;
    }
    return box;
  };

  Widget.prototype.feedbackForm = function (m, rating, box) {
    var self = this;
    var id = "gk-" + m.id + "-comment";
    var comment = el("textarea", { id: id, maxlength: "2000", rows: "2" });
    var sendButton = el("button", {
      type: "submit",
      className: "btn",
      text: "Rückmeldung senden",
    });
    var problem = el("p", { className: "problem", role: "alert" });
    var form = el(
      "form",
      {
        className: "fb-form",
        onsubmit: function (ev) {
          ev.preventDefault();
          sendButton.disabled = true;
          self
            .postFeedback(m, rating, comment.value.trim())
            .then(function () {
              m.feedback = rating;
              save(self.messages);
              box.textContent = "";
              box.appendChild(
                el("p", { className: "thanks", text: "✓ Danke für Ihre Rückmeldung!" }),
              );
              self.announce("Danke für Ihre Rückmeldung!");
              self.input.focus();
            })
            .catch(function (err) {
              sendButton.disabled = false;
              problem.textContent =
                politeError(err).text + " Ihre Rückmeldung wurde nicht gespeichert.";
            });
        },
      },
      [
        el("label", {
          for: id,
          text:
            rating === "up"
              ? "Danke! Möchten Sie noch etwas ergänzen? (optional)"
              : "Was hat gefehlt oder war falsch? (optional)",
        }),
        comment,
        el("div", { className: "row" }, [sendButton]),
        problem,
      ],
    );
    return form;
  };

  Widget.prototype.postFeedback = function (m, rating, comment) {
    var body = {
      answer_id: m.answer_id,
      rating: rating,
      question: String(m.question || "").slice(0, 5000) || "?",
      answer: String(m.answer || "").slice(0, 20000),
      citations: (m.citations || []).slice(0, 20).map(function (c) {
        return { n: c.n, file: c.file, page: c.page, quote: c.quote };
      }),
    };
    if (comment) body.comment = comment.slice(0, 2000);
    return fetch(KB_URL + "/api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) return errorFrom(response);
      return response.json();
    });
  };

  // -- asking ----------------------------------------------------------------------------------

  Widget.prototype.history = function () {
    var turns = [];
    this.messages.forEach(function (m) {
      if (m.role === "user") turns.push({ role: "user", content: m.text });
      else if (!m.error && m.answer) turns.push({ role: "assistant", content: m.answer });
    });
    return turns.slice(-HISTORY_TURNS).map(function (t) {
      return { role: t.role, content: t.content.slice(0, MAX_TURN_CHARS) };
    });
  };

  Widget.prototype.submit = function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    var self = this;
    var history = this.history();
    var user = { role: "user", text: question };
    this.messages.push(user);
    save(this.messages);
    var userNode = this.userNode(user);
    this.list.appendChild(userNode);
    this.input.value = "";

    var m = { role: "assistant", question: question, answer: "", citations: [] };
    m.id = "a" + ++this.seq;
    var node = el("div", { className: "msg bot", id: "gk-" + m.id });
    this.fillBot(node, m, true);
    this.list.appendChild(node);
    this.reveal(userNode, "top");
    this.setBusy(true);

    var controller = typeof AbortController === "function" ? new AbortController() : null;
    this.controller = controller;
    var timer = window.setTimeout(function () {
      if (controller) controller.abort();
    }, TIMEOUT_MS);
    var done = false;
    var frame = 0;
    function redraw() {
      if (frame) return;
      frame = window.requestAnimationFrame(function () {
        frame = 0;
        if (!done) {
          self.fillBot(node, m, true);
          self.reveal(userNode, "top");
        }
      });
    }

    fetch(KB_URL + "/api/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ question: question, history: history }),
      credentials: "omit",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) return errorFrom(response);
        return readEvents(response, function (event, data) {
          if (controller !== self.controller) return; // cleared meanwhile
          if (event === "meta") {
            m.answer_id = data.answer_id;
            m.searched = data.searched;
            m.refused = !!data.refused;
            m.uncertain = !!data.uncertain;
            node.setAttribute("data-answer-id", data.answer_id || "");
            redraw();
          } else if (event === "answer") {
            m.answer += typeof data.text === "string" ? data.text : "";
            redraw();
          } else if (event === "replace") {
            // the generated text could not be used: the documents' own answer replaces it
            m.answer = typeof data.text === "string" ? data.text : "";
            redraw();
          } else if (event === "citations") {
            m.citations = Array.isArray(data.citations) ? data.citations : [];
          } else if (event === "done") {
            m.refused = !!data.refused;
            m.uncertain = !!data.uncertain;
            m.mode = typeof data.mode === "string" ? data.mode : "extractive";
            node.setAttribute("data-mode", m.mode);
            done = true;
          }
        });
      })
      .then(function () {
        if (controller !== self.controller) return;
        if (!done) {
          var cut = new Error("the stream ended before the answer was complete");
          cut.interrupted = true;
          throw cut;
        }
        m.answer = m.answer.replace(/\s+$/, "");
        self.messages.push(m);
        save(self.messages);
        self.fillBot(node, m, false);
        self.reveal(userNode, "top");
        node.setAttribute("data-done", "true");
        self.announce(
          m.refused && m.mode !== "small-talk" ? "Keine passende Stelle gefunden." : "Antwort ist da.",
        );
      })
      .catch(function (err) {
        if (controller !== self.controller) return;
        done = true;
        var polite = politeError(err);
        var i = self.messages.indexOf(user);
        if (i >= 0) self.messages.splice(i, 1); // unanswered: not part of the conversation
        save(self.messages);
        node.replaceWith(
          self.botNode({ role: "assistant", error: polite.text, detail: polite.detail }),
        );
        if (!self.input.value) self.input.value = question; // easy to try again
      })
      .then(function () {
        window.clearTimeout(timer);
        if (controller !== self.controller) return;
        self.controller = null;
        self.setBusy(false);
      });
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.send.disabled = busy;
    this.list.setAttribute("aria-busy", String(busy));
  };

  Widget.prototype.clear = function () {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.setBusy(false);
    this.messages = [];
    forget();
    this.renderAll();
    this.announce("Der Verlauf wurde gelöscht.");
    this.input.focus();
  };

  function start() {
    if (!document.body) return;
    try {
      new Widget();
    } catch (e) {
      if (window.console) window.console.error("knowledge base widget:", e);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
