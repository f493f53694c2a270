// Moving to another page inside the app rebuilds the page with its frame
// (dashboards/_frame.py), so the link that was followed is gone and the keyboard focus
// falls back to the document. Put it on the new page's <main> instead (tabindex -1),
// where a screen reader starts reading the new page, unless a #hash target or the
// user has already put it somewhere else.
(function () {
  function lost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.contains(active);
  }
  window.addEventListener("_dashprivate_pushstate", function () {
    var before = document.getElementById("main");
    var tries = 0;
    var timer = setInterval(function () {
      var main = document.getElementById("main");
      if (main && main !== before) {
        clearInterval(timer);
        if (!window.location.hash && lost()) main.focus({ preventScroll: true });
      } else if (++tries > 100) {
        clearInterval(timer);
      }
    }, 50);
  });
})();
