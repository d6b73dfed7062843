/* The hall display board (templates/board/page.html), kept out of the HTML so the Content-Security-Policy can
   forbid inline script.
     a failed poll   htmx swaps no error answer, so the last content stays; this shows "connection lost, last
                     updated HH:MM" (the time the live part was built) until a poll succeeds again. The polling
                     goes on at its interval, so the board retries by itself.
     the notices     one at a time, the next every NOTICE_SECONDS; a text too long for the line slides along it
                     first. A refresh of the live part keeps the notice on screen where it was.
     the clock       the hall's time: the server's clock and time zone at page load, ticking on the TV's. */
(function () {
  "use strict";
  var NOTICE_SECONDS = 8;
  var SLIDE_PX_PER_SECOND = 120;
  var live = document.getElementById("board-live");
  var note = document.getElementById("board-offline");
  if (!live || !note) { return; }

  function lost() {
    var body = live.querySelector("[data-updated]");
    var time = body ? body.getAttribute("data-updated") : "";
    note.textContent = (note.getAttribute("data-template") || "").replace("{time}", time);
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

  var shown = 0, started = Date.now(), timer = null;
  function notices() { return live.querySelectorAll("[data-board-notices] li"); }
  // Show notice number `shown` (fresh: it enters now; else the same notice again after a refresh, mid-slide).
  // Returns how long it stays, in seconds, and whether it is too long for the line.
  function mark(fresh) {
    var items = notices();
    if (!items.length) { return { seconds: NOTICE_SECONDS, long: false }; }
    shown = shown % items.length;
    items[0].parentNode.classList.add("rotating");
    items.forEach(function (item, i) {
      item.classList.toggle("is-current", i === shown);
      item.classList.remove("is-entering", "is-long");
    });
    var item = items[shown], text = item.querySelector("span");
    void item.offsetWidth; // a reflow, so the animations start again on the same notice
    if (fresh) { item.classList.add("is-entering"); }
    var overflow = text ? text.scrollWidth - item.clientWidth : 0;
    item.classList.toggle("is-long", overflow > 0);
    if (overflow <= 0) { return { seconds: NOTICE_SECONDS, long: false }; }
    var slide = Math.max(4, overflow / SLIDE_PX_PER_SECOND);
    item.style.setProperty("--board-slide", -overflow + "px");
    item.style.setProperty("--board-slide-seconds", slide + "s");
    item.style.setProperty("--board-slide-delay", (1 - (Date.now() - started) / 1000) + "s");
    return { seconds: slide + 4, long: true };
  }
  function turn(step) {
    shown += step;
    started = Date.now();
    var current = mark(true);
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      // One short notice stays put; one long one slides again.
      turn(notices().length > 1 || current.long ? 1 : 0);
    }, current.seconds * 1000);
  }
  live.addEventListener("htmx:afterSwap", function () { mark(false); });
  turn(0);

  var clock = document.querySelector("[data-board-clock]");
  if (clock) {
    var skew = parseInt(clock.getAttribute("data-now"), 10) - Date.now();
    var offset = parseInt(clock.getAttribute("data-offset"), 10) * 60000;
    var pad = function (n) { return String(n).padStart(2, "0"); };
    var tick = function () {
      var d = new Date(Date.now() + skew + offset);
      clock.textContent = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
        pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    };
    tick();
    window.setInterval(tick, 1000);
  }
})();
