// Figures that fit their width (charts/figures/fit.py). A figure whose layout depends on how
// wide it is drawn (small-multiple panels per row, rows of event labels) carries one
// layout per width class in layout.meta.tkFit: [{minWidth, layout}], narrowest first.
// Whenever a chart is drawn or resized, the layout of the widest class its width
// reaches is applied with Plotly.relayout, once per figure and class.
(function () {
  function chosen(gd) {
    var meta = gd.layout && gd.layout.meta;
    var classes = meta && meta.tkFit;
    if (!classes || !classes.length || !gd._fullLayout) return -1;
    var width = gd._fullLayout.width;
    var index = 0;
    classes.forEach(function (entry, i) {
      if (width >= entry.minWidth) index = i;
    });
    return index;
  }

  function fit(gd) {
    var index = chosen(gd);
    if (index < 0 && gd._tkFitStyled) {
      // The graph now shows a figure without width classes: its box follows it again.
      gd._tkFitStyled = false;
      gd._tkFitMeta = null;
      gd.style.height = "100%";
      if (window.Plotly) window.Plotly.Plots.resize(gd);
    }
    if (index < 0 || !window.Plotly) return;
    var meta = gd.layout.meta;
    // A new figure (Plotly.react) brings a new meta object: apply again.
    var fresh = gd._tkFitMeta !== meta;
    if (!fresh && gd._tkFitIndex === index) return;
    gd._tkFitMeta = meta;
    gd._tkFitIndex = index;
    var layout = meta.tkFit[index].layout;
    if (layout.height) {
      // A responsive graph takes its height from its box: size the box too.
      gd.style.height = layout.height + "px";
      gd._tkFitStyled = true;
    }
    // A new figure comes with its widest class's layout applied (charts/figures/fit.py), so
    // when that is the class it gets, drawing it again would change nothing: on a
    // wide screen this saves every chart a second drawing.
    if (fresh && index === meta.tkFit.length - 1) return;
    window.Plotly.relayout(gd, layout);
  }

  function watch(gd) {
    if (gd._tkFitWatched || typeof gd.on !== "function") return;
    gd._tkFitWatched = true;
    gd.on("plotly_afterplot", function () {
      fit(gd);
    });
    fit(gd);
  }

  function scan() {
    // Charts on the page only (dcc.Graph), not the copies drawn for an image export.
    var graphs = document.querySelectorAll(".dash-graph .js-plotly-plot");
    for (var i = 0; i < graphs.length; i++) watch(graphs[i]);
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      scan();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.tkFitWidth = { fit: fit, scan: scan };
})();
