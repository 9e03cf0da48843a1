// The article admin's live preview: a moment after the editor stops typing, the server renders the
// Markdown with the site's own sanitiser (education.rendering, as /learn/<slug>/ does) and the result is
// shown in a sandboxed frame that uses the site's stylesheet. No Markdown is rendered in the browser.
(function () {
  "use strict";

  var PAUSE_MS = 400;

  function start(region) {
    var form = region.closest("form");
    var frame = region.querySelector("iframe");
    var status = region.querySelector("[role=status]");
    var fields = form.elements;
    var latest = 0;
    var timer = null;
    var pending = null;

    function part(name) {
      var page = frame.contentDocument;
      return page ? page.querySelector('[data-preview="' + name + '"]') : null;
    }

    function value(name) {
      var field = fields.namedItem(name);
      return field ? field.value : "";
    }

    // The frame as tall as the article, so the page scrolls once, not twice.
    function fit() {
      frame.style.height = frame.contentDocument.body.scrollHeight + "px";
    }

    // Title, summary and disclaimer are plain text on the article page: shown as typed, never as HTML.
    function showPlainText() {
      part("title").textContent = value("title");
      part("summary").textContent = value("summary");
      var disclaimer = part("disclaimer");
      disclaimer.textContent = value("disclaimer").trim() || disclaimer.getAttribute("data-standard");
      part("article").setAttribute("lang", value("language") || document.documentElement.lang);
      fit();
    }

    function render() {
      var request = ++latest;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(region.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": value("csrfmiddlewaretoken")},
        body: new URLSearchParams({body: value("body")}),
        signal: pending.signal
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("preview refused: " + response.status);
        }
        return response.json();
      }).then(function (rendered) {
        if (request !== latest) {
          return;
        }
        // Sanitised by the server; the frame's sandbox would not run a script even if one got through.
        part("body").innerHTML = rendered.html;
        showPlainText();
        status.textContent = region.getAttribute("data-updated");
        region.setAttribute("data-preview-state", "updated");
      }).catch(function (error) {
        if (error.name === "AbortError") {
          return;
        }
        status.textContent = region.getAttribute("data-failed");
        region.setAttribute("data-preview-state", "failed");
      });
    }

    function renderAfterPause() {
      region.setAttribute("data-preview-state", "waiting");
      clearTimeout(timer);
      timer = setTimeout(render, PAUSE_MS);
    }

    function whenFrameReady() {
      fields.namedItem("body").addEventListener("input", renderAfterPause);
      ["title", "summary", "disclaimer"].forEach(function (name) {
        var field = fields.namedItem(name);
        if (field) {
          field.addEventListener("input", showPlainText);
        }
      });
      var language = fields.namedItem("language");
      if (language) {
        language.addEventListener("change", showPlainText);
      }
      window.addEventListener("resize", fit);
      render();
    }

    region.hidden = false;
    if (part("body")) {
      whenFrameReady();
    } else {
      frame.addEventListener("load", whenFrameReady, {once: true});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.querySelector(".article-preview[data-preview-url]");
    if (region && region.closest("form")) {
      start(region);
    }
  });
}());
