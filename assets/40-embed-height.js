// Inside an <iframe>, tell the parent page how tall the content is, so its sizing
// script can fit the frame (docs/embedding.md has the snippet for intranet editors).
// The message goes only to the parent's own origin, and only when that origin
// matches TK_FRAME_ANCESTORS as the browser matches the CSP frame-ancestors header.
(function () {
  if (window.parent === window) return;

  function allowedParentOrigin() {
    var node = document.getElementById("tk-config");
    var allowed = [];
    try {
      allowed = JSON.parse(node ? node.textContent : "{}").frameAncestors || [];
    } catch (e) {
      return null;
    }
    var parent = null;
    if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
      parent = window.location.ancestorOrigins[0];
    } else if (document.referrer) {
      parent = new URL(document.referrer).origin;
    }
    if (!parent) return null;
    // The source-expression rules of CSP (35-frame-ancestors.js): a parent the browser
    // lets frame this page by a wildcard host or port gets the message too.
    return window.tkFrameAncestors.allows(allowed, parent, window.location.origin)
      ? parent
      : null;
  }

  var last = -1;
  function send() {
    var origin = allowedParentOrigin();
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (!origin || height === last) return;
    last = height;
    window.parent.postMessage(
      { type: "tietokeskustelut:height", height: height, href: window.location.href },
      origin
    );
  }

  window.addEventListener("load", function () {
    send();
    if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  });
})();
