// Sorting and filtering of the findings table; the page is whole without it.
(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  var filter = document.getElementById("filter");
  var severity = document.getElementById("severity");
  var shown = document.getElementById("shown");
  var levels = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  function apply() {
    var text = filter.value.trim().toLowerCase();
    var min = levels[severity.value] || 0;
    var visible = 0;
    rows.forEach(function (row) {
      var ok = Number(row.dataset.level) >= min &&
        (text === "" || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) { visible += 1; }
    });
    shown.textContent = visible + " of " + rows.length + " shown";
    shown.dataset.visible = String(visible);
  }

  function sortBy(th) {
    var index = th.cellIndex;
    var numeric = th.dataset.sort === "rank";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index];
      var cmp = numeric
        ? Number(x.dataset.key) - Number(y.dataset.key)
        : x.textContent.localeCompare(y.textContent);
      return ascending ? cmp : -cmp;
    });
    rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  filter.addEventListener("input", apply);
  severity.addEventListener("change", apply);
  // A filter in the URL (report.html#filter=PA101) opens the page filtered.
  var match = /(?:^|[#&])filter=([^&]*)/.exec(location.hash);
  if (match) { filter.value = decodeURIComponent(match[1]); }
  apply();
  document.body.dataset.ready = "true";
})();
