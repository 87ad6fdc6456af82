// Progressive enhancement for the hour grid: live day, line and week
// totals while typing, and arrow keys to move between cells. The page
// works the same without it.
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var lang = document.documentElement.lang || "nl";

  function parse(s) {
    s = (s || "").trim();
    if (s === "") { return 0; }
    var m = /^(\d{1,2}):(\d{2})$/.exec(s);
    if (m) { return Number(m[1]) * 60 + Number(m[2]); }
    m = /^(\d{0,2})(?:[.,](\d{1,2}))?$/.exec(s);
    if (!m || (m[1] === "" && m[2] === undefined)) { return NaN; }
    var frac = m[2] === undefined ? 0 : Number((m[2] + "0").slice(0, 2));
    return Number(m[1] || 0) * 60 + Math.round(frac * 0.6);
  }
  function format(min) {
    if (isNaN(min)) { return "?"; }
    if (min === 0) { return "0"; }
    if (min % 3 !== 0) { return Math.floor(min / 60) + ":" + String(min % 60).padStart(2, "0"); }
    var h = Math.round(min * 100 / 60) / 100;
    var s = String(h);
    return lang === "en" ? s : s.replace(".", ",");
  }
  function cellValue(el) {
    return el.tagName === "INPUT" ? parse(el.value) : parse(el.getAttribute("data-value"));
  }
  function recompute() {
    var days = [0, 0, 0, 0, 0, 0, 0], week = 0;
    grid.querySelectorAll("tbody tr[data-line]").forEach(function (row) {
      var total = 0;
      row.querySelectorAll("[data-day]").forEach(function (el) {
        var v = cellValue(el);
        total += v;
        days[Number(el.getAttribute("data-day"))] += v;
      });
      var out = row.querySelector(".line-total");
      if (out) { out.textContent = format(total); }
    });
    days.forEach(function (v, i) {
      var out = grid.querySelector('[data-day-total="' + i + '"]');
      if (out) { out.textContent = format(v); }
      week += v;
    });
    var wt = document.getElementById("week-total");
    if (wt) { wt.textContent = format(week); }
  }
  grid.addEventListener("input", recompute);
  grid.addEventListener("keydown", function (e) {
    var el = e.target;
    if (el.tagName !== "INPUT" || !el.classList.contains("hours")) { return; }
    var inputs = Array.prototype.slice.call(grid.querySelectorAll("input.hours"));
    var row = el.closest("tr"), rowInputs = Array.prototype.slice.call(row.querySelectorAll("input.hours"));
    var target = null, day = el.getAttribute("data-day");
    if (e.key === "ArrowRight" && el.selectionStart === el.value.length) { target = inputs[inputs.indexOf(el) + 1]; }
    if (e.key === "ArrowLeft" && el.selectionStart === 0) { target = inputs[inputs.indexOf(el) - 1]; }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var rows = Array.prototype.slice.call(grid.querySelectorAll("tbody tr[data-line]"));
      var i = rows.indexOf(row) + (e.key === "ArrowDown" ? 1 : -1);
      if (rows[i]) { target = rows[i].querySelector('input.hours[data-day="' + day + '"]'); }
    }
    if (target) { e.preventDefault(); target.focus(); target.select(); }
    void rowInputs;
  });
})();

// The upload form: say at once that a file is too large, before it is
// sent. The server checks again; this only saves a long wait.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max]");
  if (!input) { return; }
  input.addEventListener("change", function () {
    var max = Number(input.getAttribute("data-max"));
    var f = input.files && input.files[0];
    input.setCustomValidity(f && f.size > max ? input.getAttribute("data-too-large") : "");
    if (f && f.size > max) { input.reportValidity(); }
  });
})();

// The back office's upload form: the invoice fields only for an invoice.
// Without script they are always shown and ignored for a document.
(function () {
  "use strict";
  var kind = document.querySelector("select[data-invoice-fields]");
  if (!kind) { return; }
  var fields = document.getElementById(kind.getAttribute("data-invoice-fields"));
  if (!fields) { return; }
  function toggle() { fields.hidden = kind.value !== "invoice"; }
  kind.addEventListener("change", toggle);
  toggle();
})();

// Salarisverwerking: a form with data-busy says it is working while a
// large export is being made (thousands of timesheets take seconds) and
// is not sent twice. Without script the form simply waits.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-busy]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var status = document.getElementById("export-busy");
      if (status) { status.textContent = form.getAttribute("data-busy"); }
    });
  });
})();
