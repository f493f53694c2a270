// The header's language switch (dashboards/_frame.py) links to the page in another
// language. The header is not rebuilt when the filters change, so point each link at
// the current address with only ``lang`` changed just before it is used (hovered,
// focused or followed). A link's own href (the page in that language) stays the
// fallback without scripts.
(function () {
  function point(link) {
    var url = new URL(window.location.href);
    url.searchParams.set("lang", link.getAttribute("data-lang-switch"));
    url.hash = "";
    link.href = url.pathname + url.search;
  }
  ["mouseover", "focusin", "click"].forEach(function (type) {
    document.addEventListener(
      type,
      function (event) {
        var link = event.target.closest && event.target.closest("a[data-lang-switch]");
        if (link) point(link);
      },
      true
    );
  });
})();
