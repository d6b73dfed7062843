/* The signature pad (issue 18): the applicant signs with a finger, a stylus or the mouse on a <canvas>; on submit
   the drawing goes to the server as a PNG data URL in the form's hidden "signature" field, and the server checks it
   is a real PNG of a sane size with something drawn. Pointer events cover mouse, pen and touch alike; no inline
   script or style (Content-Security-Policy), no CDN.
     <form data-signature-pad> with a <canvas class="signature-pad">, <input name="signature">, a
     [data-signature-clear] button and a .signature-empty message shown when nothing is drawn yet. */
(function () {
  "use strict";
  function setUp(form) {
    var canvas = form.querySelector("canvas.signature-pad");
    var field = form.querySelector("input[name=signature]");
    var empty = form.querySelector(".signature-empty");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function blank() {
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
    }
    function point(event) {
      // The canvas keeps its drawing resolution whatever size CSS gives it on the screen.
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    function line(from, to) {
      context.strokeStyle = "#111";
      context.lineWidth = 4;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      line(last, { x: last.x + 0.1, y: last.y + 0.1 });
      drawn = true;
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var next = point(event);
      line(last, next);
      last = next;
      drawn = true;
      if (empty) { empty.hidden = true; }
    });
    function stop() { drawing = false; last = null; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);
    form.querySelector("[data-signature-clear]").addEventListener("click", blank);
    // Registered before site.js's listener on the document: a refused submit keeps its buttons usable.
    form.addEventListener("submit", function (event) {
      if (!drawn) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (empty) { empty.hidden = false; }
        return;
      }
      field.value = canvas.toDataURL("image/png");
    });
    blank();
  }
  function start() { document.querySelectorAll("form[data-signature-pad]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
