/* The monthly test paper (templates/training/attempt.html): countdown, answered count, hand-in when the time is
   up, a question before handing in with questions unanswered, and the reason of a refused autosave shown where
   the "saved" note goes. The texts come translated from the form's data attributes. */
(function () {
  "use strict";
  var form = document.getElementById("paper"), box = document.getElementById("countdown");
  if (!form || !box) { return; }
  var total = parseInt(form.dataset.total, 10), end = Date.now() + parseInt(box.dataset.remaining, 10) * 1000;
  var auto = false, timer;
  function answered() {
    var n = 0;
    form.querySelectorAll("fieldset.trn-question").forEach(function (f) { if (f.querySelector("input:checked")) { n++; } });
    document.getElementById("answered").textContent = n;
    return n;
  }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    box.textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
    box.classList.toggle("low", left <= 60);
    if (left <= 0 && !auto) { auto = true; clearInterval(timer); form.requestSubmit(); }
  }
  timer = setInterval(tick, 1000);
  tick();
  form.addEventListener("change", answered);
  form.addEventListener("submit", function (e) {
    var missing = total - answered();
    if (!auto && missing > 0 && !window.confirm(form.dataset.missingText + " " + missing + ". " + form.dataset.anywayText)) {
      e.preventDefault();
    }
  });
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 400 || e.detail.xhr.status === 409) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
})();
