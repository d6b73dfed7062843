/* Small behaviours of the staff pages, kept out of the HTML so the Content-Security-Policy can forbid inline
   script (no onchange=, onsubmit=, hx-on:). Listeners sit on the document, so parts swapped in by htmx work too.
     <select data-autosubmit>         submits its form when changed (centre, day and language pickers)
     <form data-confirm="question">   asks before submitting
     <input data-enter-stays>         Enter does not submit the form (a search box inside a bigger form) */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var field = e.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) { field.form.submit(); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-enter-stays]")) { e.preventDefault(); }
  });
})();
