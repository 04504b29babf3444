// The sandbox page: a phone-like chat over the sandbox JSON API (which drives the fake Telegram).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { chat: null, revision: -1, scripts: [], commands: [], pollId: 0, lastBotId: 0 };

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The sandbox answered ${response.status}.`);
  return data;
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

function el(tag, { dataset, ...props } = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

// ---- scripts and respondents ----------------------------------------------------------------

async function loadScripts() {
  state.scripts = await api("/api/scripts");
  const select = $("script");
  select.replaceChildren(...state.scripts.map((s, i) => el("option", {
    value: s.study_id || "", textContent: s.problem ? `⚠ ${s.title}` : `${s.title} (${s.study_id})`,
    disabled: Boolean(s.problem), selected: i === state.scripts.findIndex((x) => !x.problem),
  })));
  if (!state.scripts.length) {
    select.append(el("option", { value: "", textContent: "No scripts in the dialogs folder" }));
  }
  const broken = state.scripts.filter((s) => s.problem);
  $("script-problem").hidden = !broken.length;
  $("script-problem").textContent = broken.map((s) => `${s.path}: ${s.problem}`).join("\n");
  scriptChanged();
}

function scriptChanged() {
  const script = state.scripts.find((s) => s.study_id === $("script").value);
  const languages = script ? script.languages : [];
  $("language").replaceChildren(...languages.map((code) => el("option", { value: code, textContent: code })),
    el("option", { value: "", textContent: "not set" }));
  $("start").disabled = !script;
}

async function newRespondent(event) {
  event.preventDefault();
  try {
    const person = await api("/api/respondents", {
      study_id: $("script").value, language: $("language").value, source: $("source").value,
    });
    await loadRespondents();
    openChat(person.chat_id);
  } catch (error) { showError(error); }
}

async function loadRespondents() {
  const people = await api("/api/respondents");
  $("respondents").replaceChildren(...people.reverse().map((p) => el("li", {},
    el("button", {
      type: "button", onclick: () => openChat(p.chat_id),
      ariaCurrent: String(p.chat_id === state.chat),
    }, `${p.name} `, el("small", {
      textContent: [p.study_id, p.language, p.source].filter(Boolean).join(" · "),
    })))));
}

// ---- the chat -------------------------------------------------------------------------------

async function openChat(chatId) {
  state.chat = chatId;
  state.revision = -1;
  state.lastBotId = 0;
  state.pollId += 1;
  for (const id of ["text", "send", "menu-button"]) $(id).disabled = false;
  $("messages").replaceChildren();
  showError(null);
  await loadRespondents();
  poll(state.pollId);
  $("text").focus();
}

async function poll(pollId) {
  // One long poll at a time per open chat; a newer chat's loop makes this one stop.
  while (pollId === state.pollId) {
    try {
      const wait = state.revision < 0 ? 0 : 20;
      const data = await api(`/api/messages?chat=${state.chat}&since=${state.revision}&wait=${wait}`);
      if (pollId !== state.pollId) return;
      if (data.revision !== state.revision) {
        state.revision = data.revision;
        renderMessages(data.messages);
        refreshPanel();
        refreshCommands();
      }
      setTyping(data.pending);
    } catch (error) {
      showError(error);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function setTyping(pending) {
  $("status").textContent = pending ? "typing…" : "bot";
  $("status").classList.toggle("typing", pending);
}

function renderMessages(messages) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren(...messages.map(renderMessage));
  const newest = messages.filter((m) => m.from === "bot").at(-1);
  if (atBottom || (newest && newest.id !== state.lastBotId)) box.scrollTop = box.scrollHeight;
  state.lastBotId = newest ? newest.id : 0;
}

function renderMessage(message) {
  const bubble = el("div", { className: "bubble" });
  if (message.document) bubble.append(el("span", { className: "doc", textContent: `📎 ${message.document}` }));
  bubble.append(message.text);
  if (message.edited) bubble.append(el("span", { className: "meta", textContent: "edited" }));
  const node = el("div", { className: `msg ${message.from}`, dataset: { id: message.id } }, bubble);
  if (message.buttons.length) {
    node.append(el("div", { className: "keyboard" }, ...message.buttons.map((row) =>
      el("div", { className: "krow" }, ...row.map((b) => renderButton(message, b))))));
  }
  return node;
}

function renderButton(message, button) {
  if (button.url) return el("a", { href: button.url, target: "_blank", rel: "noopener", textContent: `${button.text} ↗` });
  return el("button", {
    type: "button", textContent: button.text,
    onclick: async (event) => {
      event.currentTarget.classList.add("waiting");
      try {
        await api("/api/press", { chat: state.chat, message_id: message.id, data: button.data });
      } catch (error) { showError(error); }
    },
  });
}

async function sendText(text) {
  if (!text || state.chat === null) return;
  try {
    await api("/api/send", { chat: state.chat, text });
    showError(null);
  } catch (error) { showError(error); }
}

async function submitText(event) {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  input.value = "";
  closeMenu();
  await sendText(text);
  input.focus();
}

// ---- command menu ---------------------------------------------------------------------------

async function refreshCommands() {
  try { state.commands = await api(`/api/commands?chat=${state.chat}`); } catch (error) { showError(error); }
}

function toggleMenu() {
  const menu = $("menu");
  if (!menu.hidden) return closeMenu();
  menu.replaceChildren(...state.commands.map((c) => el("button", {
    type: "button", role: "menuitem",
    onclick: () => { closeMenu(); sendText(`/${c.command}`); },
  }, el("span", { className: "cmd", textContent: `/${c.command}` }),
  el("span", { className: "desc", textContent: c.description }))));
  menu.hidden = false;
  $("menu-button").setAttribute("aria-expanded", "true");
}

function closeMenu() {
  $("menu").hidden = true;
  $("menu-button").setAttribute("aria-expanded", "false");
}

// ---- the record -----------------------------------------------------------------------------

const GROUPS = { doer: "Doer", non_doer: "Non-doer" };

async function refreshPanel() {
  let record;
  try { record = await api(`/api/interview?chat=${state.chat}`); } catch (error) { return showError(error); }
  const status = record.status ? record.status.replace("_", " ") : "not started";
  const group = record.group ? el("span", { className: `pill ${record.group}`, textContent: GROUPS[record.group] })
    : el("span", { className: "pill", textContent: "not classified" });
  $("summary").replaceChildren(
    el("dt", { textContent: "Study" }), el("dd", { textContent: record.study_id || "—" }),
    el("dt", { textContent: "Status" }), el("dd", { textContent: status }),
    el("dt", { textContent: "Group" }), el("dd", {}, group),
  );
  $("answers").replaceChildren(...record.answers.map((a) => el("tr", {},
    el("td", { textContent: a.probe ? `${a.question_id} · probe ${a.probe}` : a.question_id }),
    el("td", {}, a.value === null ? el("em", { textContent: "skipped" }) : (a.label ?? JSON.stringify(a.value)),
      a.raw_text && a.raw_text.toLowerCase() !== String(a.label).toLowerCase() ? el("span", { className: "raw", textContent: `“${a.raw_text}”` }) : null),
  )));
  if (!record.answers.length) {
    $("answers").append(el("tr", {}, el("td", { className: "none", colSpan: 2, textContent: "No answers yet." })));
  }
}

// ---- start ----------------------------------------------------------------------------------

window.addEventListener("DOMContentLoaded", () => {
  $("script").addEventListener("change", scriptChanged);
  $("new-respondent").addEventListener("submit", newRespondent);
  $("composer").addEventListener("submit", submitText);
  $("menu-button").addEventListener("click", toggleMenu);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeMenu(); });
  loadScripts().catch(showError);
  loadRespondents().catch(showError);
});
