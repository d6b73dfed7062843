/* Statistics charts: draws every <canvas data-chart="key" data-type="bar|line|doughnut"> from the JSON that the
   page embeds with json_script (id "chart-data"). The numbers are also in each chart's table view, so the page
   reads without JavaScript and with a screen reader. Served from static/ (no CDN). */
(function () {
  "use strict";
  var COLOURS = ["#b3261e", "#0b3d91", "#8a6d00", "#116329", "#6e40c9", "#5b6470", "#d4a72c", "#1f6feb"];

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var table = data[canvas.dataset.chart];
      if (!table) { return; }
      var type = canvas.dataset.type;
      var labels = table.rows.map(function (row) { return row[0]; });
      // Breakdowns show requests and accepted; trends registered and completed; the rating chart one series.
      var series = table.header.slice(1, type === "doughnut" ? 2 : 3);
      var datasets = series.map(function (name, i) {
        return {
          label: name,
          data: table.rows.map(function (row) { return row[i + 1]; }),
          backgroundColor: type === "doughnut" ? COLOURS : COLOURS[i],
          borderColor: type === "doughnut" ? "#fff" : COLOURS[i],
          tension: 0.25,
          pointRadius: type === "line" ? 2 : 0
        };
      });
      new Chart(canvas, {
        type: type,
        data: { labels: labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          indexAxis: canvas.dataset.horizontal ? "y" : "x",
          plugins: { legend: { position: "bottom" } },
          scales: type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
