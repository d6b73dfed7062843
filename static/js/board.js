/* The hall display board (templates/board/page.html): kept out of the HTML so the Content-Security-Policy can
   forbid inline script.
     a failed poll          htmx keeps the last content (it swaps no error answer); this shows "connection lost,
                            last updated HH:MM" until a poll succeeds again; the polling itself goes on, so it retries
     the notices            one at a time, the next every NOTICE_SECONDS, carrying on where they were after a refresh
     the clock              the TV's time, every second */
(function () {
  "use strict";
  var NOTICE_SECONDS = 8;
  var live = document.getElementById("board-live");
  var note = document.getElementById("board-offline");
  if (!live || !note) { return; }

  function lost() {
    var body = live.querySelector("[data-updated]");
    var time = body ? body.getAttribute("data-updated") : "";
    note.textContent = (note.getAttribute("data-template") || "").replace("%(time)s", time);
    note.hidden = false;
    document.body.classList.add("board-stale");
  }
  function back() {
    note.hidden = true;
    document.body.classList.remove("board-stale");
  }
  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    live.addEventListener(name, lost);
  });
  live.addEventListener("htmx:afterSwap", back);

  var shown = 0;
  function turnNotices(step) {
    var items = live.querySelectorAll("[data-board-notices] li");
    if (!items.length) { return; }
    shown = (shown + step) % items.length;
    items.forEach(function (item, i) { item.classList.toggle("is-current", i === shown); });
    live.querySelector("[data-board-notices]").classList.add("rotating");
  }
  live.addEventListener("htmx:afterSwap", function () { turnNotices(0); });
  turnNotices(0);
  window.setInterval(function () { turnNotices(1); }, NOTICE_SECONDS * 1000);

  var clock = document.querySelector("[data-board-clock]");
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    var d = new Date();
    clock.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  if (clock) { tick(); window.setInterval(tick, 1000); }
})();
