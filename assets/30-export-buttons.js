// Toolbar downloads: PNG (2x) and SVG buttons on every chart. The exported image
// carries its context: the server puts title, caption lines (filters, source, "data
// as of", the synthetic-data note) and a file name into layout.meta.tkExport, and the
// buttons lay them out with the chart by the rule all exported images share
// (25-export-layout.js) before downloading. Plotly's own camera button and its cloud
// button are removed in the graph config.
(function () {
  function texts() {
    var node = document.getElementById("tk-config");
    try {
      return JSON.parse(node ? node.textContent : "{}").texts || {};
    } catch (e) {
      return {};
    }
  }

  // Caption lines: a list, or (payloads cached by an older version) one string
  // joined with <br>.
  function captionLines(context) {
    if (Array.isArray(context)) return context;
    return context ? String(context).split(/<br\s*\/?>/i) : [];
  }

  function download(gd, format) {
    var info = (gd.layout.meta && gd.layout.meta.tkExport) || {};
    var size = gd._fullLayout || {};
    var figure = { data: gd.data, layout: gd.layout };
    // The image is as wide as the chart on screen and as tall as its content
    // (25-export-layout.js); the chart on screen is not changed.
    return window.tkExportLayout
      .layOut(window.Plotly, figure, {
        width: size.width || 900,
        height: size.height || 360,
        title: info.title || "",
        lines: captionLines(info.context),
        titleSize: 16,
        captionSize: 11
      })
      .then(function (laidOut) {
        return window.Plotly.downloadImage(laidOut, {
          format: format,
          scale: format === "png" ? 2 : 1,
          width: laidOut.layout.width,
          height: laidOut.layout.height,
          filename: info.filename || "kuvaaja"
        });
      });
  }

  function button(format, title, icon) {
    return {
      name: "tk-download-" + format,
      title: title,
      icon: icon,
      click: function (gd) {
        download(gd, format).catch(function (error) {
          console.error("chart image export failed", error);
        });
      }
    };
  }

  function configure(Plotly) {
    if (!Plotly || !Plotly.setPlotConfig || configure.done) return;
    configure.done = true;
    var t = texts();
    Plotly.setPlotConfig({
      modeBarButtonsToAdd: [
        button("png", t.png || "PNG", Plotly.Icons.camera),
        button("svg", t.svg || "SVG", Plotly.Icons.disk)
      ]
    });
  }

  // dash-core-components loads plotly.js lazily and then draws at once, so the
  // configuration is applied the moment plotly.js assigns window.Plotly.
  if (window.Plotly) {
    configure(window.Plotly);
  } else {
    var current;
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (value) { current = value; configure(value); }
    });
  }
})();
