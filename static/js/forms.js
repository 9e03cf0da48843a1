// Two things every form page does once the browser has it, for keyboard and screen-reader users alike:
// - a page sent back with errors puts the focus on its summary (which names each problem and links to it),
//   so the reader starts where the problems are, not at the top of a long page;
// - the daily entry marks "Where did you feel it?" as needed as soon as either score above 0 is chosen,
//   before Save is pressed (the hint says so without this script too).
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary[tabindex='-1']");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  function scoreAboveZero(form) {
    return Array.prototype.some.call(
      form.querySelectorAll("input[type='radio'][name='numbness']:checked, input[type='radio'][name='pain']:checked"),
      function (input) { return Number(input.value) > 0; }
    );
  }

  function watchLocations(form) {
    var fieldset = form.querySelector("fieldset.locations");
    var mark = fieldset && fieldset.querySelector(".required-mark");
    if (!mark) {
      return;
    }
    function update() {
      var needed = scoreAboveZero(form);
      mark.hidden = !needed;
      fieldset.classList.toggle("is-needed", needed);
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    Array.prototype.forEach.call(document.querySelectorAll("form.entry-form"), watchLocations);
  });
})();
