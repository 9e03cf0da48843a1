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
    Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  }

  function printOnClick(button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }

  document.querySelectorAll("[data-trend-chart]").forEach(draw);
  document.querySelectorAll("[data-print]").forEach(printOnClick);
})();
