// Toolbar downloads: PNG (2x) and SVG buttons on every chart. The exported image
// carries its context: the server puts title, filters, source, "data as of" and a
// file name into layout.meta.tkExport, and the buttons draw them into a copy of the
// figure before downloading (the chart on screen is not changed). Plotly's own
// camera button and its cloud button are removed in the graph config.
(function () {
  function texts() {
    var node = document.getElementById("tk-config");
    try {
      return JSON.parse(node ? node.textContent : "{}").texts || {};
    } catch (e) {
      return {};
    }
  }

  function exportFigure(gd) {
    var info = (gd.layout.meta && gd.layout.meta.tkExport) || {};
    var layout = JSON.parse(JSON.stringify(gd.layout));
    var margin = layout.margin || {};
    layout.title = { text: info.title || "", x: 0.01, xanchor: "left", font: { size: 16 } };
    layout.margin = Object.assign({}, margin, { t: 70, b: 110 });
    layout.legend = Object.assign({}, layout.legend || {}, { y: 1.08 });
    layout.annotations = (layout.annotations || []).concat([
      {
        text: info.context || "",
        xref: "paper", yref: "paper", x: 0, y: -0.28,
        xanchor: "left", yanchor: "top", align: "left", showarrow: false,
        font: { size: 11, color: "#333333" }
      }
    ]);
    return { data: gd.data, layout: layout };
  }

  function button(format, title, icon) {
    return {
      name: "tk-download-" + format,
      title: title,
      icon: icon,
      click: function (gd) {
        var info = (gd.layout.meta && gd.layout.meta.tkExport) || {};
        var size = gd._fullLayout || {};
        window.Plotly.downloadImage(exportFigure(gd), {
          format: format,
          scale: format === "png" ? 2 : 1,
          width: size.width || 900,
          height: (size.height || 360) + 120,
          filename: info.filename || "kuvaaja"
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
