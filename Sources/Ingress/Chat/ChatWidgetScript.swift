/// The widget's browser side: plain ES2017 and CSS, no build step. It speaks the protocol of
/// docs/channels/chat.md: keeps the visitor token in localStorage, builds the pre-chat form
/// from `welcome.form`, tags each message with its own id and resends unacknowledged ones
/// after a reconnect (the server stores each id once), shows each item id once.
///
/// Element ids the browser test drives: `sb-name`, `sb-email`, `[data-field=<variable>]`,
/// `sb-start`, `sb-text`, `sb-send`, `sb-transcript`, `sb-status`.
enum ChatWidgetScript {
    static let source = #"""
        (function () {
          "use strict";
          var script = document.currentScript;
          if (!script) { return; }
          var source = new URL(script.src, document.baseURI);
          var channelId = script.getAttribute("data-channel") || decodeURIComponent(source.pathname.split("/")[2] || "");
          var base = source.origin + "/chat/" + encodeURIComponent(channelId);
          var socketURL = (source.protocol === "https:" ? "wss://" : "ws://") + source.host + "/chat/" + encodeURIComponent(channelId) + "/ws";
          var tokenKey = "switchboard.chat." + channelId + ".visitorToken";
          var pendingKey = "switchboard.chat." + channelId + ".pending";

          function el(tag, attributes, text) {
            var node = document.createElement(tag);
            Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
            if (text !== undefined && text !== null) { node.textContent = text; }
            return node;
          }
          function storageGet(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
          function storageSet(key, value) {
            try {
              if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
            } catch (e) { /* private mode: the visitor is new on every visit */ }
          }

          if (!document.querySelector('link[href$="/widget.css"]')) {
            document.head.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
          }
          var root = document.getElementById("switchboard-chat");
          if (!root) {
            root = el("div", { id: "switchboard-chat", "class": "sb-floating" });
            document.body.appendChild(root);
          }
          root.classList.add("sb-widget");
          var header = el("header", { "class": "sb-header" }, root.getAttribute("data-title") || "Chat");
          var status = el("div", { id: "sb-status", "class": "sb-status", role: "status" }, "Connecting…");
          var transcript = el("ol", { id: "sb-transcript", "class": "sb-transcript", "aria-live": "polite" });
          var prechat = el("form", { id: "sb-prechat", "class": "sb-prechat", hidden: "" });
          var composer = el("form", { id: "sb-composer", "class": "sb-composer", hidden: "" });
          var input = el("textarea", { id: "sb-text", rows: "2", maxlength: "4000", placeholder: "Type a message", "aria-label": "Message" });
          composer.appendChild(input);
          composer.appendChild(el("button", { id: "sb-send", type: "submit" }, "Send"));
          [header, status, transcript, prechat, composer].forEach(function (node) { root.appendChild(node); });

          var socket = null;
          var token = storageGet(tokenKey);
          var started = false;
          var shown = {};
          var pending = [];
          try { pending = JSON.parse(storageGet(pendingKey) || "[]"); } catch (e) { pending = []; }
          var retryDelay = 500;

          function setStatus(text) { status.textContent = text || ""; }
          function savePending() { storageSet(pendingKey, pending.length ? JSON.stringify(pending) : null); }
          function newId() {
            var bytes = new Uint8Array(16);
            window.crypto.getRandomValues(bytes);
            return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
          }

          function show(item) {
            var existing = transcript.querySelector('[data-id="' + item.id + '"]');
            if (existing || shown[item.id]) { return existing; }
            shown[item.id] = true;
            var line = el("li", { "class": "sb-item sb-" + item.type, "data-id": item.id });
            if (item.type === "agentJoined") {
              line.textContent = (item.agentName || "An agent") + " joined the chat";
            } else {
              if (item.type === "reply") { line.appendChild(el("span", { "class": "sb-author" }, item.agentName || "Agent")); }
              line.appendChild(el("span", { "class": "sb-text" }, item.text));
            }
            transcript.appendChild(line);
            transcript.scrollTop = transcript.scrollHeight;
            return line;
          }

          function buildForm(fields) {
            prechat.textContent = "";
            var all = [
              { id: "sb-name", label: "Your name", type: "text", autocomplete: "name" },
              { id: "sb-email", label: "Email", type: "email", autocomplete: "email" }
            ].concat(fields.map(function (field) {
              return { id: "sb-field-" + field.name, label: field.displayName, type: field.type, field: field.name };
            }));
            all.forEach(function (spec) {
              var attributes = { id: spec.id, type: spec.type === "email" ? "email" : "text" };
              if (spec.field) { attributes["data-field"] = spec.field; }
              if (spec.type === "number") { attributes.inputmode = "decimal"; }
              if (spec.autocomplete) { attributes.autocomplete = spec.autocomplete; }
              prechat.appendChild(el("label", { "for": spec.id }, spec.label));
              prechat.appendChild(el("input", attributes));
            });
            prechat.appendChild(el("button", { id: "sb-start", type: "submit" }, "Start chat"));
          }

          function setStarted(value) {
            started = value;
            prechat.hidden = value;
            composer.hidden = !value;
          }

          function transmit(message) {
            if (!socket || socket.readyState !== 1 || !started) { return; }
            socket.send(JSON.stringify({ type: "message", clientMessageId: message.clientMessageId, text: message.text }));
          }

          function forget(clientMessageId) {
            pending = pending.filter(function (message) { return message.clientMessageId !== clientMessageId; });
            savePending();
          }

          function handle(frame) {
            switch (frame.type) {
            case "welcome":
              token = frame.visitorToken;
              storageSet(tokenKey, token);
              if (frame.channel && frame.channel.title) { header.textContent = frame.channel.title; }
              buildForm((frame.form && frame.form.fields) || []);
              (frame.transcript || []).forEach(show);
              if (!frame.resumed) { pending = []; savePending(); }
              setStarted(frame.started);
              pending.forEach(function (message) {
                var line = show({ type: "message", id: message.clientMessageId, text: message.text });
                if (line) { line.classList.add("sb-pending"); }
                transmit(message);
              });
              setStatus("");
              break;
            case "started":
              setStarted(true);
              setStatus("");
              pending.forEach(transmit);
              break;
            case "ack":
              forget(frame.clientMessageId);
              var acked = transcript.querySelector('[data-id="' + frame.clientMessageId + '"]');
              if (acked) { acked.classList.remove("sb-pending"); }
              break;
            case "reply":
            case "agentJoined":
              show(frame);
              break;
            case "error":
              if (frame.code === "invalidToken") { token = null; storageSet(tokenKey, null); }
              if (frame.clientMessageId && frame.code !== "storeFailed") {
                forget(frame.clientMessageId);
                var failed = transcript.querySelector('[data-id="' + frame.clientMessageId + '"]');
                if (failed) { failed.classList.add("sb-failed"); }
              }
              setStatus(frame.reason);
              break;
            }
          }

          function connect() {
            setStatus("Connecting…");
            socket = new WebSocket(socketURL);
            socket.onopen = function () {
              retryDelay = 500;
              var hello = { type: "hello", pageUrl: window.location.href, locale: navigator.language };
              if (token) { hello.visitorToken = token; }
              socket.send(JSON.stringify(hello));
            };
            socket.onmessage = function (event) {
              var frame;
              try { frame = JSON.parse(event.data); } catch (e) { return; }
              handle(frame);
            };
            socket.onclose = function () {
              socket = null;
              setStatus("Reconnecting…");
              window.setTimeout(connect, retryDelay);
              retryDelay = Math.min(retryDelay * 2, 10000);
            };
          }

          prechat.addEventListener("submit", function (event) {
            event.preventDefault();
            if (!socket || socket.readyState !== 1) { setStatus("Not connected yet"); return; }
            var answers = {};
            Array.prototype.forEach.call(prechat.querySelectorAll("[data-field]"), function (field) {
              if (field.value.trim() !== "") { answers[field.getAttribute("data-field")] = field.value; }
            });
            socket.send(JSON.stringify({
              type: "start", name: document.getElementById("sb-name").value,
              email: document.getElementById("sb-email").value, answers: answers
            }));
          });

          composer.addEventListener("submit", function (event) {
            event.preventDefault();
            var text = input.value.trim();
            if (!text) { return; }
            var message = { clientMessageId: newId(), text: text };
            pending.push(message);
            savePending();
            var line = show({ type: "message", id: message.clientMessageId, text: text });
            if (line) { line.classList.add("sb-pending"); }
            input.value = "";
            transmit(message);
          });
          input.addEventListener("keydown", function (event) {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              composer.requestSubmit();
            }
          });

          connect();
        })();

        """#

    static let stylesheet = """
        .sb-page { margin: 0; font-family: system-ui, sans-serif; background: #f4f5f7; }
        .sb-widget { display: flex; flex-direction: column; max-width: 28rem; height: 100vh; max-height: 40rem; margin: 0 auto;
          background: #fff; border: 1px solid #d0d4da; font-family: system-ui, sans-serif; font-size: 0.95rem; color: #1d2430; }
        .sb-floating { position: fixed; right: 1rem; bottom: 1rem; width: 22rem; height: 32rem; border-radius: 0.5rem;
          box-shadow: 0 0.5rem 2rem rgba(0, 0, 0, 0.2); z-index: 2147483000; }
        .sb-header { padding: 0.75rem 1rem; background: #1f4e8c; color: #fff; font-weight: 600; }
        .sb-status { min-height: 1.2rem; padding: 0.25rem 1rem; font-size: 0.8rem; color: #8a3b12; }
        .sb-transcript { flex: 1; overflow-y: auto; margin: 0; padding: 0.5rem 1rem; list-style: none; }
        .sb-item { margin: 0.35rem 0; padding: 0.45rem 0.7rem; border-radius: 0.6rem; max-width: 85%; white-space: pre-wrap;
          overflow-wrap: anywhere; }
        .sb-message { margin-left: auto; background: #1f4e8c; color: #fff; }
        .sb-reply { background: #eef1f5; }
        .sb-agentJoined { max-width: none; text-align: center; font-size: 0.8rem; color: #5b6472; }
        .sb-author { display: block; font-size: 0.75rem; font-weight: 600; color: #5b6472; }
        .sb-pending { opacity: 0.6; }
        .sb-failed { background: #b3261e; }
        .sb-prechat, .sb-composer { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.75rem 1rem;
          border-top: 1px solid #d0d4da; }
        .sb-prechat[hidden], .sb-composer[hidden] { display: none; }
        .sb-prechat label { font-size: 0.8rem; color: #5b6472; }
        .sb-prechat input, .sb-composer textarea { font: inherit; padding: 0.4rem; border: 1px solid #b7bec8; border-radius: 0.3rem; }
        .sb-prechat button, .sb-composer button { align-self: flex-end; font: inherit; padding: 0.4rem 1rem; border: 0;
          border-radius: 0.3rem; background: #1f4e8c; color: #fff; cursor: pointer; }

        """
}
