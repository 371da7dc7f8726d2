// Test cases: rows of stdin and expected output sent with a run, and each row's verdict. Shown
// only when the server announces that runs take tests (clients/js capabilities()).

const labels = {
  accepted: "Accepted",
  wrong_answer: "Wrong answer",
  time_limit: "Time limit exceeded",
  memory_limit: "Memory limit exceeded",
  output_limit: "Output limit exceeded",
  runtime_error: "Runtime error",
  compile_error: "Compile error",
  internal: "Internal error",
};

// maxRows bounds the rows a page sends; the server has its own bound and names it if exceeded.
const maxRows = 50;

export class TestRows {
  // box is the section holding the rows; sessionID keys the rows kept in this browser.
  constructor(box, sessionID) {
    this.box = box;
    this.list = box.querySelector("#test-rows");
    this.key = `livecode:tests:${sessionID}`;
    this.enabled = false;
    box.querySelector("#add-test").addEventListener("click", () => {
      this.addRow({ stdin: "", expected_output: "" }).querySelector("textarea").focus();
      this.keep();
    });
    for (const t of this.saved()) this.addRow(t);
  }

  // enable shows the rows: the server judges runs against them.
  enable() {
    this.enabled = true;
    this.box.hidden = false;
  }

  saved() {
    try {
      const rows = JSON.parse(localStorage.getItem(this.key));
      return Array.isArray(rows) ? rows.slice(0, maxRows) : [];
    } catch {
      return [];
    }
  }

  keep() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.rows()));
    } catch {
      // storage full or disabled: the rows stay on the page
    }
  }

  addRow(t) {
    if (this.list.children.length >= maxRows) return this.list.lastElementChild;
    const n = this.list.children.length + 1;
    const li = document.createElement("li");
    li.className = "test-row";
    li.innerHTML = `<label>Input <textarea class="test-stdin" rows="2" spellcheck="false"></textarea></label>
      <label>Expected output <textarea class="test-expected" rows="2" spellcheck="false"></textarea></label>
      <span class="verdict" role="status" aria-live="polite"></span>
      <button type="button" class="remove-test">Remove</button>`;
    li.querySelector(".test-stdin").value = t.stdin ?? "";
    li.querySelector(".test-expected").value = t.expected_output ?? "";
    li.querySelector(".remove-test").setAttribute("aria-label", `Remove test ${n}`);
    li.querySelector(".remove-test").addEventListener("click", () => {
      li.remove();
      this.keep();
    });
    li.addEventListener("input", () => this.keep());
    this.list.append(li);
    return li;
  }

  // rows are the test cases as a run request's tests field takes them.
  rows() {
    return [...this.list.children].map((li) => ({
      stdin: li.querySelector(".test-stdin").value,
      expected_output: li.querySelector(".test-expected").value,
    }));
  }

  // request is the tests field of the next run, or undefined for a plain run.
  request() {
    const rows = this.enabled ? this.rows() : [];
    return rows.length ? rows : undefined;
  }

  clear() {
    for (const v of this.list.querySelectorAll(".verdict")) {
      v.textContent = "";
      delete v.dataset.verdict;
    }
  }

  // show puts each test's verdict of execution e beside its row.
  show(e) {
    this.clear();
    const results = e.tests ?? e.test_results ?? [];
    const cells = this.list.querySelectorAll(".verdict");
    results.forEach((r, i) => {
      const cell = cells[i];
      const verdict = r.verdict ?? r.status;
      if (!cell || !verdict) return;
      cell.dataset.verdict = verdict;
      cell.textContent = labels[verdict] ?? verdict;
      if (r.execution_time_ms != null) cell.textContent += ` (${r.execution_time_ms} ms)`;
    });
  }
}
