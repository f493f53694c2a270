// Does an embedding parent's origin match TK_FRAME_ANCESTORS? The same question the
// browser answers for the CSP frame-ancestors header, answered by the same rules
// (CSP Level 3, "Does url match expression in origin with redirect count?", with
// redirect count 0), so that every parent the browser lets frame the dashboard also
// gets the height message (40-embed-height.js), and no other:
//
//   'self'                the dashboard's own origin; also its host over https (or
//                         http -> http) on the same or the default port
//   'none'                matches nothing (other expressions in the list still do)
//   *                     any http(s) origin, or one of the dashboard's own scheme
//   https:                scheme-source: any origin of that scheme (http: also
//                         allows https, ws: http(s) and wss, wss: https)
//   https://*.example.fi  host-source: "*." matches one or more labels in front of
//                         example.fi (not example.fi itself); a scheme upgrades as
//                         above; without a scheme the dashboard's own, upgraded
//   ...:8443  ...:*       the port, or any port; no port means the scheme's default
//   .../path              a path other than "/" never matches an origin
//
// Hosts and schemes compare case-insensitively. One difference from the spec text:
// it matches host-sources only against domain names, while browsers also frame a
// parent on a literal IP address (http://127.0.0.1:8000) that an expression names
// exactly (or by a bare *), so this matches those too; "*." never matches an IP.
// Exposed as window.tkFrameAncestors (tests call it with a table of cases).
(function () {
  var SCHEME = "[a-z][a-z0-9+.-]*";
  var SCHEME_SOURCE = new RegExp("^(" + SCHEME + "):$", "i");
  var HOST_SOURCE = new RegExp(
    "^(?:(" + SCHEME + ")://)?" + // scheme-part
      "(\\*|(?:\\*\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.?)" + // host-part
      "(?::(\\*|[0-9]+))?" + // port-part
      "(/[^?#]*)?$", // path-part
    "i"
  );
  var DEFAULT_PORTS = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" };

  function lower(text) {
    return String(text).toLowerCase();
  }

  // "scheme-part match": may an expression's scheme A match a URL's scheme B?
  function schemeMatches(a, b) {
    a = lower(a);
    b = lower(b);
    return (
      a === b ||
      (a === "http" && b === "https") ||
      (a === "ws" && (b === "wss" || b === "http" || b === "https")) ||
      (a === "wss" && b === "https")
    );
  }

  function isDomain(host) {
    // IPv4 literals and bracketed IPv6 literals are not domains.
    return !/^[0-9.]+$/.test(host) && host.charAt(0) !== "[";
  }

  // "host-part match", with literal IP addresses matched exactly (see above).
  function hostMatches(pattern, host) {
    pattern = lower(pattern).replace(/\.$/, "");
    host = lower(host).replace(/\.$/, "");
    if (pattern === "*") return true;
    if (!isDomain(host)) return pattern === host;
    if (pattern.indexOf("*.") === 0) return host.slice(-(pattern.length - 1)) === pattern.slice(1);
    return pattern === host;
  }

  function port(url) {
    return url.port || DEFAULT_PORTS[url.protocol] || "";
  }

  // "port-part match": an empty port-part means the URL's scheme's default port.
  function portMatches(expected, url) {
    if (expected === "*") return true;
    if (!expected) return !url.port;
    return String(Number(expected)) === port(url);
  }

  // "path-part match" against the path of an origin ("" or "/").
  function pathMatches(path) {
    return !path || path === "/";
  }

  /**
   * Does the URL `target` (a parent's origin, e.g. "https://intra.example.fi") match
   * the source expression `expression` for a document of origin `self` (the
   * dashboard's own origin)?
   */
  function matches(expression, target, self) {
    var url, own;
    try {
      url = new URL(target);
      own = new URL(self);
    } catch (e) {
      return false; // an opaque ("null") parent origin matches nothing
    }
    var scheme = url.protocol.slice(0, -1);
    var ownScheme = own.protocol.slice(0, -1);
    var expr = String(expression);
    if (expr === "*") {
      return scheme === "http" || scheme === "https" || scheme === ownScheme;
    }
    var source = SCHEME_SOURCE.exec(expr);
    if (source) return schemeMatches(source[1], scheme);
    var host = HOST_SOURCE.exec(expr);
    if (host) {
      if (!url.hostname) return false;
      if (host[1] ? !schemeMatches(host[1], scheme) : !schemeMatches(ownScheme, scheme)) {
        return false;
      }
      return hostMatches(host[2], url.hostname) && portMatches(host[3], url) && pathMatches(host[4]);
    }
    if (lower(expr) === "'self'") {
      if (url.origin === own.origin) return true;
      var samePort =
        url.port === own.port ||
        ((!url.port || url.port === DEFAULT_PORTS[url.protocol]) &&
          (!own.port || own.port === DEFAULT_PORTS[own.protocol]));
      return (
        lower(url.hostname) === lower(own.hostname) &&
        samePort &&
        (scheme === "https" || scheme === "wss" ||
          (ownScheme === "http" && (scheme === "http" || scheme === "ws")))
      );
    }
    return false; // 'none', keywords that frame-ancestors does not know, malformed text
  }

  /** Does `target` match any expression of the source list `expressions`? */
  function allows(expressions, target, self) {
    return (expressions || []).some(function (expression) {
      return matches(expression, target, self);
    });
  }

  window.tkFrameAncestors = { matches: matches, allows: allows };
})();
