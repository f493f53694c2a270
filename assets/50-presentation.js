// Presentation mode (/tietokeskustelut/<id>/esitys/<n>, dashboards/meetings_present.py):
// the keyboard moves between agenda items, and the item's timer counts from when the
// item was opened. Active only while a presentation page is on screen.
//
// Keys: ArrowRight, PageDown, Space -> next item; ArrowLeft, PageUp -> previous item;
// Escape -> the meeting's page. Not while typing in a field or with a modifier key
// (Alt+ArrowLeft is the browser's Back). A move clicks the page's own link, so Dash
// Pages navigates inside the app (one router callback) and the address changes.
(function () {
  var KEYS = {
    ArrowRight: "present-next",
    PageDown: "present-next",
    " ": "present-next",
    Spacebar: "present-next",
    ArrowLeft: "present-previous",
    PageUp: "present-previous",
    Escape: "present-exit",
    Esc: "present-exit",
  };

  function typing(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    // A focused button or link acts on Space/Enter itself.
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "BUTTON";
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("presentation")) return;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.shiftKey && event.key !== " ") return;
    var target = KEYS[event.key];
    if (!target || typing(document.activeElement)) return;
    var link = document.getElementById(target);
    if (!link) return; // first or last item: nowhere to go
    event.preventDefault();
    link.click();
  });

  // The timer: "mm:ss / <minutes> min"; past the item's minutes it says so in text
  // (data-over) and turns to the over-time style. data-key is new for every build of
  // the page, so the count restarts whenever an item is opened.
  var shownKey = null;
  var startedAt = 0;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function tick() {
    var timer = document.getElementById("present-timer");
    if (!timer) {
      shownKey = null;
      return;
    }
    var key = timer.getAttribute("data-key");
    if (key !== shownKey) {
      shownKey = key;
      startedAt = Date.now();
    }
    var seconds = Math.floor((Date.now() - startedAt) / 1000);
    var over = seconds > Number(timer.getAttribute("data-minutes")) * 60;
    var text =
      pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60) + " / " +
      timer.getAttribute("data-budget") +
      (over ? " – " + timer.getAttribute("data-over") : "");
    if (timer.textContent !== text) timer.textContent = text;
    timer.classList.toggle("over-time", over);
  }

  setInterval(tick, 250);
})();
