/* The monthly test paper (templates/training/attempt.html): countdown, answered count, hand-in when the time is
   up (without the confirmation step the hand-in button leads to), and the reason of a refused autosave shown where
   the "saved" note goes. The texts come translated from the form's data attributes. */
(function () {
  "use strict";
  var form = document.getElementById("paper"), box = document.getElementById("countdown");
  if (!form || !box) { return; }
  var end = Date.now() + parseInt(box.dataset.remaining, 10) * 1000;
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
  // Handing in asks for confirmation on the server (training/attempt_confirm.html); when the time is up the
  // paper goes in at once.
  form.addEventListener("submit", function () {
    answered();
    if (auto) { document.getElementById("confirmed").value = "1"; }
  });
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 400 || e.detail.xhr.status === 409) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
})();
