// Draws every trend chart on the page from the figure the server put in a json_script element, in the page's
// own text size, and wires the choices above it (4 weeks, 12 weeks, 1 year, everything).
(function () {
  "use strict";

  // The same width as app.css's phone layout.
  var PHONE = window.matchMedia("(max-width: 600px)");

  // Chart text as large as the page's around it (app.css sizes the printed chart for paper): the reader
  // chose that size, or the clinic did for them.
  function pageText(element) {
    var style = window.getComputedStyle(element);
    return { size: parseFloat(style.fontSize), family: style.fontFamily, color: style.color };
  }

  function markerSizes(figure, phone) {
    var sizes = phone && figure.phone ? figure.phone.marker_sizes : [];
    return figure.data.map(function (trace, index) {
      return sizes[index] || (trace.marker && trace.marker.size);
    });
  }

  function prepare(element, figure) {
    var text = pageText(element);
    figure.layout.font = text;
    figure.layout.hoverlabel = { font: { size: text.size, family: text.family } };
    figure.desktopSizes = markerSizes(figure, false);
    // A phone starts on four weeks, unless the reader chose a period.
    if (PHONE.matches && figure.phone && !new URLSearchParams(window.location.search).has("period")) {
      figure.range = figure.phone.range;
      figure.layout.xaxis.nticks = figure.phone.date_ticks;
      markerSizes(figure, true).forEach(function (size, index) {
        if (size) {
          figure.data[index].marker.size = size;
        }
      });
    }
    if (figure.ranges && figure.range) {
      figure.layout.xaxis.range = figure.ranges[figure.range].slice();
    }
    return figure;
  }

  function markCurrent(links, range) {
    links.forEach(function (link) {
      if (link.getAttribute("data-range") === range) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  // The chart's choices are links that load their period, so they work before (and without) the chart. Once
  // it is drawn, a choice inside the loaded days zooms in place instead, and the address follows it.
  function wireRanges(element, figure) {
    var group = document.querySelector("[data-chart-ranges='" + element.getAttribute("data-trend-chart") + "']");
    if (!group || !figure.ranges) {
      return;
    }
    var links = Array.prototype.slice.call(group.querySelectorAll("a[data-range]"));
    markCurrent(links, figure.range);
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        var range = link.getAttribute("data-range");
        if (!figure.ranges[range]) {
          return;
        }
        event.preventDefault();
        Plotly.relayout(element, { "xaxis.range": figure.ranges[range].slice() }).then(function () {
          markCurrent(links, range);
          window.history.replaceState(null, "", link.href);
        });
      });
    });
  }

  function followPhone(element, figure) {
    if (!figure.phone) {
      return;
    }
    PHONE.addEventListener("change", function () {
      var sizes = PHONE.matches ? markerSizes(figure, true) : figure.desktopSizes;
      var indices = [];
      var values = [];
      sizes.forEach(function (size, index) {
        if (size) {
          indices.push(index);
          values.push(size);
        }
      });
      Plotly.restyle(element, { "marker.size": values }, indices);
    });
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-trend-chart"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = prepare(element, JSON.parse(source.textContent));
    var fallback = element.querySelector(".chart-fallback");
    if (fallback) {
      fallback.remove();
    }
    // Marked once drawn, so a reader's tools (and our browser tests) can wait for the chart itself.
    Plotly.newPlot(element, figure.data, figure.layout, figure.config).then(function () {
      wireRanges(element, figure);
      followPhone(element, figure);
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
