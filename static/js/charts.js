// Draws every trend chart on the page from the figure the server put in a json_script element.
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-trend-chart"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var fallback = element.querySelector(".chart-fallback");
    if (fallback) {
      fallback.remove();
    }
    // Marked once drawn, so a reader's tools (and our browser tests) can wait for the chart itself.
    Plotly.newPlot(element, figure.data, figure.layout, figure.config).then(function () {
      element.setAttribute("data-chart-drawn", "true");
    });
  }

  function printOnClick(button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }

  // Paper is narrower than most screens: fit each chart to the page before printing.
  function fitForPrint() {
    if (typeof Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-trend-chart]").forEach(function (element) {
      Plotly.Plots.resize(element);
    });
  }

  document.querySelectorAll("[data-trend-chart]").forEach(draw);
  window.addEventListener("beforeprint", fitForPrint);
  window.addEventListener("afterprint", fitForPrint);
  document.querySelectorAll("[data-print]").forEach(printOnClick);
})();
