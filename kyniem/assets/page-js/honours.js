// The honour page's filter: rows shown by year and kind, in the browser only (no server).
(function () {
  var form = document.querySelector("form[data-ky-filter]");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.ky-honours tbody tr"));
  var output = form.querySelector("output");
  function apply() {
    var year = form.elements.year.value, kind = form.elements.kind.value, shown = 0;
    rows.forEach(function (row) {
      var match = (!year || row.dataset.year === year) && (!kind || row.dataset.kind === kind);
      row.hidden = !match;
      if (match) shown += 1;
    });
    output.textContent = "Hiện " + shown + " trong " + rows.length + " mục";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
