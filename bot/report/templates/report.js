// The full table: sort by a column heading, filter by text, significance or determinant.
"use strict";
(function () {
  const table = document.getElementById("rows");
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const text = document.getElementById("row-filter");
  const significant = document.getElementById("row-significant");
  const determinant = document.getElementById("row-determinant");
  const count = document.getElementById("row-count");

  function filter() {
    const words = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const visible = (!words || row.textContent.toLowerCase().includes(words))
        && (!significant.checked || row.classList.contains("sig"))
        && (!determinant.value || row.dataset.determinant === determinant.value);
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    }
    count.textContent = shown === rows.length ? `${rows.length} rows` : `${shown} of ${rows.length} rows`;
  }

  function sortBy(th, index) {
    const key = th.dataset.key;
    const down = th.getAttribute("aria-sort") !== "ascending";
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", down ? "ascending" : "descending");
    const value = (row) => key === "text"
      ? row.cells[index].textContent.trim().toLowerCase()
      : Number(row.dataset[key]);
    const sorted = rows.slice().sort((a, b) => {
      const x = value(a), y = value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (down ? 1 : -1);
    });
    for (const row of sorted) body.appendChild(row);
  }

  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    if (!th.dataset.key) return;
    th.tabIndex = 0;
    th.classList.add("sortable");
    th.addEventListener("click", () => sortBy(th, index));
    th.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(th, index); }
    });
  });
  text.addEventListener("input", filter);
  significant.addEventListener("change", filter);
  determinant.addEventListener("change", filter);
})();
