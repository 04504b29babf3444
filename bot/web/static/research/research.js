// The coding page: remember the coder's name, save the themes of a group of the same answer,
// tick a suggested theme, add a suggested keyword to the codebook, the "uncoded only" filter.
"use strict";

const CODER_KEY = "perceptions.coder";

function studyId() {
  return document.querySelector("main").dataset.study;
}

function coderName(status) {
  const coder = document.getElementById("coder").value.trim();
  if (!coder) {
    status.textContent = "Type your name in the Coder box first.";
    status.className = "status error";
    document.getElementById("coder").focus();
  }
  return coder;
}

async function post(path, body) {
  // Same-origin JSON with a custom header: the server refuses anything else (no CSRF).
  const response = await fetch(`/api/study/${encodeURIComponent(studyId())}/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Perceptions-Save": "1" },
    body: JSON.stringify(body),
  });
  return [response, await response.json()];
}

async function save(form) {
  const status = form.querySelector(".status");
  const coder = coderName(status);
  if (!coder) {
    return;
  }
  const themes = [...form.querySelectorAll("input[name=theme]:checked")].map((box) => box.value);
  const button = form.querySelector(".save button");
  button.disabled = true;
  try {
    const ids = form.dataset.answers.split(",").map(Number);
    const [response, result] = await post("coding", { answer_ids: ids, themes, coder });
    if (!response.ok) {
      status.textContent = result.error || "Could not save.";
      status.className = "status error";
      return;
    }
    const all = result.answers > 1 ? ` (all ${result.answers})` : "";
    status.textContent = result.saved
      ? `Saved${all}: coded by ${result.coder} at ${result.at}`
      : "Unchanged: these themes were already in force.";
    status.className = "status ok";
    form.classList.toggle("uncoded", themes.length === 0);
  } catch (error) {
    status.textContent = "Could not reach the server; try again.";
    status.className = "status error";
  } finally {
    button.disabled = false;
  }
}

async function addKeyword(button) {
  const status = document.querySelector(".keyword-status");
  const coder = coderName(status);
  if (!coder) {
    return;
  }
  button.disabled = true;
  const { question, theme, language, keyword } = button.dataset;
  try {
    const [response, result] = await post("keyword", { question, theme, language, keyword, coder });
    if (!response.ok) {
      status.textContent = result.error || "Could not add the keyword.";
      status.className = "status keyword-status error";
      button.disabled = false;
      return;
    }
    status.textContent = `Added “${result.keyword}”: recoding the answers…`;
    status.className = "status keyword-status ok";
    window.location.reload(); // the automatic coding of every answer has changed
  } catch (error) {
    status.textContent = "Could not reach the server; try again.";
    status.className = "status keyword-status error";
    button.disabled = false;
  }
}

async function importSecond(form) {
  const status = form.querySelector(".status");
  const coder = form.querySelector("input[name=second]").value.trim();
  const file = form.querySelector("input[type=file]").files[0];
  if (!coder) {
    status.textContent = "Type the second coder's name first.";
    status.className = "status error";
    return;
  }
  if (!file) {
    status.textContent = "Choose the second coder's sheet (the CSV exported here, recoded).";
    status.className = "status error";
    return;
  }
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch(`/api/study/${encodeURIComponent(studyId())}/second-coder`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "text/csv",
        "X-Perceptions-Save": "1",
        "X-Perceptions-Coder": encodeURIComponent(coder),
      },
      body: file,
    });
    const result = await response.json();
    if (!response.ok) {
      status.textContent = result.error || "Could not import the sheet.";
      status.className = "status error";
      return;
    }
    const kappa = result.kappa === null ? "undefined" : result.kappa.toFixed(2);
    status.textContent = `Stored ${result.stored} answers coded by ${result.coder}: ` +
      `κ ${kappa} over ${result.both} answers; per theme in the report's method notes.`;
    status.className = "status ok";
  } catch (error) {
    status.textContent = "Could not reach the server; try again.";
    status.className = "status error";
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const second = document.querySelector("form.second-coder");
  if (second) {
    second.addEventListener("submit", (event) => {
      event.preventDefault();
      importSecond(second);
    });
  }
  for (const button of document.querySelectorAll("button.add-keyword")) {
    button.addEventListener("click", () => addKeyword(button));
  }
  for (const button of document.querySelectorAll("button.tick")) {
    button.addEventListener("click", () => {
      const form = button.closest("form");
      const box = form.querySelector(`input[name=theme][value="${CSS.escape(button.dataset.theme)}"]`);
      if (box) {
        box.checked = true;
      }
    });
  }
  const coder = document.getElementById("coder");
  if (coder) {
    coder.value = localStorage.getItem(CODER_KEY) || "";
    coder.addEventListener("input", () => localStorage.setItem(CODER_KEY, coder.value.trim()));
  }
  for (const form of document.querySelectorAll("form.answer")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form);
    });
  }
  const filter = document.getElementById("uncoded-only");
  if (filter) {
    filter.addEventListener("change", () => { window.location.href = filter.dataset.href; });
  }
});
