/* Small behaviours of the staff pages, kept out of the HTML so the Content-Security-Policy can forbid inline
   script (no onchange=, onsubmit=, hx-on:). Listeners sit on the document, so parts swapped in by htmx work too.
     <select data-autosubmit>         submits its form when changed (centre, day and language pickers)
     <form data-confirm="question">   asks before submitting
     <input data-enter-stays>         Enter does not submit the form (a search box inside a bigger form)
     every POST form                  its submit buttons are disabled once it is sent, so a double click sends it
                                      once (the server checks the form's one-time token too, hallservice/core/idempotency.py);
                                      <form data-no-disable> opts out. Loaded by the staff and the public base pages.
     <a href="#id"> to a <details>    opens it (e.g. "Print the completion form" in the delivery action), so the
                                      link lands on the form, not on its folded title */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var field = e.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) { HTMLFormElement.prototype.submit.call(field.form); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation(); // not sent: its buttons stay usable
    }
  });
  var BUTTONS = "button[type=submit], button:not([type]), input[type=submit]";
  function release(form) {
    form.querySelectorAll("[data-disabled-on-submit]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("data-disabled-on-submit");
    });
  }
  // Read form attributes with getAttribute: form.method or form.target would be the form's own field of that name
  // (the delivery form has a "method" field), not the attribute.
  function attribute(form, name) { return (form.getAttribute(name) || "").toLowerCase(); }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    // htmx cancels the browser's sending of an hx-post form to send it itself: disable those too.
    if (!form.matches || (e.defaultPrevented && !form.matches("[hx-post]")) || attribute(form, "method") !== "post" || form.matches("[data-no-disable]")) {
      return;
    }
    // After this event the browser collects the fields, the clicked button's name included: disable just after.
    window.setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (b) {
        if (!b.disabled) { b.disabled = true; b.setAttribute("data-disabled-on-submit", ""); }
      });
      // A form printing into another tab leaves this page where it is: let it be used again shortly.
      if (attribute(form, "target") && attribute(form, "target") !== "_self") { window.setTimeout(function () { release(form); }, 3000); }
    }, 0);
  });
  // htmx sends the form without leaving the page: the buttons come back when its answer arrives.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target && e.target.closest ? e.target.closest("form") : null;
    if (form) { release(form); }
  });
  // Back to a page kept in the browser's cache (bfcache): its buttons must work again.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { document.querySelectorAll("form").forEach(release); }
  });
  function openTarget(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (link) { openTarget(link.getAttribute("href")); }
  });
  document.addEventListener("DOMContentLoaded", function () { openTarget(window.location.hash); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-enter-stays]")) { e.preventDefault(); }
  });
})();
