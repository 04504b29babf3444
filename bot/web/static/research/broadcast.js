// The "Write to respondents" page: preview a message (nothing sent), confirm and send it,
// follow its progress, stop or resume it. The server does the work; this only asks and shows.
"use strict";

const POLL_MS = 1000;

const main = document.querySelector("main.broadcast");
const form = document.getElementById("message");
const previewPanel = document.getElementById("preview");
const progressPanel = document.getElementById("progress");
const sendButton = document.getElementById("send");
const confirmBox = document.getElementById("confirm");
let previewed = null; // the message the preview was made from
let watching = null; // the broadcast whose progress is shown
let timer = null;

function api(path) {
  return `/api/study/${encodeURIComponent(main.dataset.study)}/broadcast/${path}`;
}

async function post(path, body) {
  // Same-origin JSON with a custom header: the server refuses anything else (no CSRF).
  const response = await fetch(api(path), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Perceptions-Save": "1" },
    body: JSON.stringify(body),
  });
  return [response, await response.json()];
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function plural(count, one, many) {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

function message() {
  const texts = {};
  for (const area of form.querySelectorAll("textarea[data-lang]")) {
    texts[area.dataset.lang] = area.value;
  }
  return {
    name: form.elements.name.value,
    texts,
    segment: {
      group: form.elements.group.value,
      language: form.elements.language.value,
      source: form.elements.source.value,
    },
  };
}

function say(node, text, kind) {
  node.textContent = text;
  node.className = `status${kind ? ` ${kind}` : ""}`;
}

async function preview(event) {
  event.preventDefault();
  const status = form.querySelector(".status");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  say(status, "Working the figures out…");
  try {
    const body = message();
    const [response, result] = await post("preview", body);
    if (!response.ok) {
      previewPanel.hidden = true;
      say(status, result.error || "Could not preview.", "error");
      return;
    }
    say(status, "Preview below: nothing was sent.", "ok");
    previewed = body;
    showPreview(result);
  } catch (error) {
    say(status, "Could not reach the research server; try again.", "error");
  } finally {
    button.disabled = false;
  }
}

function showPreview(result) {
  const lead = previewPanel.querySelector(".lead");
  lead.textContent = `“${result.name}” would go to ${plural(result.total, "person", "people")}.`;
  if (result.resumed) {
    lead.textContent += ` It was begun on ${result.begun} with these texts and sent to ` +
      `${plural(result.sent, "person", "people")} so far: sending goes on with the others, ` +
      "in the words first sent.";
  }
  const rows = previewPanel.querySelector("tbody");
  rows.replaceChildren();
  for (const share of result.shares) {
    const row = el("tr");
    row.append(el("td", share.language), el("td", share.count.toLocaleString()),
      el("td", share.own ? share.gets : `${share.gets} (no ${share.language} text)`));
    rows.append(row);
  }
  if (!result.shares.length) {
    const row = el("tr");
    const cell = el("td", "Nobody fits this message now.", "muted");
    cell.colSpan = 3;
    row.append(cell);
    rows.append(row);
  }
  const texts = previewPanel.querySelector(".texts");
  texts.replaceChildren();
  for (const [lang, text] of Object.entries(result.texts)) {
    const box = el("div", undefined, "text");
    box.append(el("h3", lang === result.fallback ? `${lang} (also for everyone else)` : lang),
      el("p", text, "said"));
    texts.append(box);
  }
  sendButton.textContent = `Send to ${plural(result.total, "person", "people")}…`;
  sendButton.disabled = !result.can_send || result.total === 0;
  sendButton.dataset.total = result.total;
  sendButton.dataset.name = result.name;
  confirmBox.hidden = true;
  previewPanel.hidden = false;
}

function changed() {
  // The preview no longer shows what would go out: it must be made again before sending.
  if (previewed !== null) {
    previewed = null;
    previewPanel.hidden = true;
    say(form.querySelector(".status"), "Changed: preview again before sending.");
  }
}

function askToConfirm() {
  const total = Number(sendButton.dataset.total);
  document.getElementById("confirm-text").textContent =
    `Send “${sendButton.dataset.name}” to ${plural(total, "person", "people")} now? ` +
    "A message cannot be taken back once sent.";
  document.getElementById("confirm-yes").textContent =
    `Yes, send to ${plural(total, "person", "people")}`;
  confirmBox.hidden = false;
  document.getElementById("confirm-yes").focus();
}

async function send() {
  if (previewed === null) {
    return;
  }
  const yes = document.getElementById("confirm-yes");
  yes.disabled = true;
  try {
    const [response, result] = await post("send", previewed);
    confirmBox.hidden = true;
    sendButton.disabled = true;
    if (!response.ok && response.status !== 409) {
      say(form.querySelector(".status"), result.error || "Could not send.", "error");
      return;
    }
    if (!response.ok) {
      say(progressPanel.querySelector(".status"), result.error, "error");
    }
    watch(previewed.name);
  } catch (error) {
    say(form.querySelector(".status"), "Could not reach the research server; try again.",
      "error");
  } finally {
    yes.disabled = false;
  }
}

function watch(name) {
  watching = name;
  progressPanel.hidden = false;
  progressPanel.querySelector(".lead").textContent = `“${name}”`;
  if (timer !== null) {
    clearTimeout(timer);
  }
  poll();
  progressPanel.scrollIntoView({ block: "nearest" });
}

async function poll() {
  timer = null;
  const name = watching;
  let state = null;
  try {
    const response = await fetch(`${api("status")}?name=${encodeURIComponent(name)}`,
      { credentials: "same-origin" });
    state = await response.json();
    if (!response.ok) {
      say(progressPanel.querySelector(".status"), state.error || "Unknown broadcast.", "error");
      return;
    }
  } catch (error) {
    say(progressPanel.querySelector(".status"), "Lost the research server; retrying…", "error");
  }
  if (name !== watching) {
    return;
  }
  if (state !== null) {
    showProgress(state);
  }
  if (state === null || state.running) {
    timer = setTimeout(poll, POLL_MS);
  }
}

function showProgress(state) {
  const share = state.total ? Math.round((100 * state.done) / state.total) : 100;
  progressPanel.querySelector("h2").textContent = state.running ? "Sending" : "Summary";
  progressPanel.querySelector(".bar span").style.width = `${share}%`;
  progressPanel.querySelector(".lead").textContent =
    `“${state.name}”: ${state.done.toLocaleString()} of ` +
    `${plural(state.total, "recipient", "recipients")} done (${share}%)` +
    (state.under_way ? `, ${state.under_way.toLocaleString()} under way` : "") + ".";
  const list = progressPanel.querySelector(".outcomes");
  list.replaceChildren();
  for (const outcome of state.outcomes) {
    if (outcome.key === "pending" && !outcome.count) {
      continue;
    }
    const item = el("li", undefined, outcome.key);
    item.append(el("strong", outcome.count.toLocaleString()), ` ${outcome.words}`);
    list.append(item);
  }
  const status = progressPanel.querySelector(".status");
  if (state.error) {
    say(status, state.error, "error");
  } else if (state.running) {
    say(status, "Sending at Telegram's pace; you may leave this page, it goes on.");
  } else if (state.stopped) {
    say(status, "Stopped. Resume goes on with those still to send; nobody gets it twice.");
  } else if (state.resumable) {
    say(status, "Not finished (the server may have been restarted): Resume goes on with " +
      "those still to send.");
  } else {
    say(status, `Done.${state.sent_now !== null ? ` This run sent ${plural(state.sent_now, "message", "messages")}.` : ""}`, "ok");
  }
  if (!state.running) {
    listed(state);
  }
  document.getElementById("stop").hidden = !state.running;
  document.getElementById("resume-current").hidden = !state.resumable;
}

function listed(state) {
  // The list of broadcasts shows how this one stands now (a new one joins it at the top).
  let row = [...document.querySelectorAll("#past tr[data-name]")]
    .find((tr) => tr.dataset.name === state.name);
  if (row === undefined) {
    const empty = document.querySelector("#past tbody tr:not([data-name])");
    if (empty !== null) {
      empty.remove();
    }
    row = el("tr");
    row.dataset.name = state.name;
    row.append(el("td", state.name), el("td", "just now"), el("td"));
    for (let i = 0; i <= state.outcomes.length; i += 1) {
      row.append(el("td"));
    }
    document.querySelector("#past tbody").prepend(row);
  }
  delete row.dataset.running;
  const cells = row.querySelectorAll("td");
  cells[2].textContent = state.total.toLocaleString();
  state.outcomes.forEach((outcome, i) => {
    cells[3 + i].textContent = outcome.count.toLocaleString();
  });
  const actions = cells[cells.length - 1];
  actions.replaceChildren();
  if (state.resumable) {
    actions.append(el("button", "Resume", "resume"));
    actions.lastChild.type = "button";
  }
}

async function control(path, name) {
  const status = progressPanel.querySelector(".status");
  try {
    const [response, result] = await post(path, { name });
    if (!response.ok && response.status !== 409) {
      progressPanel.hidden = false;
      say(status, result.error || "Could not do that.", "error");
      return;
    }
  } catch (error) {
    say(status, "Could not reach the research server; try again.", "error");
    return;
  }
  watch(name);
}

form.addEventListener("submit", preview);
form.addEventListener("input", changed);
sendButton.addEventListener("click", askToConfirm);
document.getElementById("confirm-no").addEventListener("click", () => {
  confirmBox.hidden = true;
});
document.getElementById("confirm-yes").addEventListener("click", send);
document.getElementById("stop").addEventListener("click", () => control("stop", watching));
document.getElementById("resume-current").addEventListener("click",
  () => control("resume", watching));
document.getElementById("past").addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-name]");
  if (row === null) {
    return;
  }
  if (event.target.matches("button.resume")) {
    event.target.disabled = true;
    control("resume", row.dataset.name);
  } else if (event.target.matches("button.watch")) {
    watch(row.dataset.name);
  }
});
const running = document.querySelector("#past tr[data-running]");
if (running !== null) {
  watch(running.dataset.name);
}
