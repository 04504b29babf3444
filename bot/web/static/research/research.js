// The coding page: remember the coder's name, save one answer's themes, the "uncoded only" filter.
"use strict";

const CODER_KEY = "perceptions.coder";

function studyId() {
  return document.querySelector("main").dataset.study;
}

async function save(form) {
  const coder = document.getElementById("coder").value.trim();
  const status = form.querySelector(".status");
  if (!coder) {
    status.textContent = "Type your name in the Coder box first.";
    status.className = "status error";
    document.getElementById("coder").focus();
    return;
  }
  const themes = [...form.querySelectorAll("input[name=theme]:checked")].map((box) => box.value);
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    // Same-origin JSON with a custom header: the server refuses anything else (no CSRF).
    const response = await fetch(`/api/study/${encodeURIComponent(studyId())}/coding`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Perceptions-Save": "1" },
      body: JSON.stringify({ answer_id: Number(form.dataset.answer), themes, coder }),
    });
    const result = await response.json();
    if (!response.ok) {
      status.textContent = result.error || "Could not save.";
      status.className = "status error";
      return;
    }
    status.textContent = result.saved
      ? `Saved: coded by ${result.coder} at ${result.at}`
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

document.addEventListener("DOMContentLoaded", () => {
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
