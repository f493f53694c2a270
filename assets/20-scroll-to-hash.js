// Dash renders a page after the browser has loaded it, so a link such as
// /hoitoonpaasy#card-jonot cannot scroll by itself. Wait for the card, then scroll
// to it and move focus there (so keyboard and screen-reader users land on it too).
(function () {
  function scrollToHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return true;
    var target = document.getElementById(id);
    if (!target) return false;
    target.setAttribute("tabindex", "-1");
    target.scrollIntoView();
    target.focus({ preventScroll: true });
    return true;
  }
  function watch() {
    var tries = 0;
    var timer = setInterval(function () {
      if (scrollToHash() || ++tries > 50) clearInterval(timer);
    }, 200);
  }
  window.addEventListener("load", watch);
  window.addEventListener("_dashprivate_pushstate", watch);
})();
