// Loaded into kaleido's drawing page after plotly.js and 25-export-layout.js
// (exports/images.py). kaleido draws every image with Plotly.toImage(figure, opts);
// a figure whose layout.meta.tkExportLayout asks for it is first laid out by the rule
// the toolbar's downloads use, and the image takes the laid-out width and height.
(function () {
  var toImage = window.Plotly.toImage;
  window.Plotly.toImage = function (gd, opts) {
    var request = gd && gd.layout && gd.layout.meta && gd.layout.meta.tkExportLayout;
    if (!request || !gd.data) return toImage.apply(this, arguments);
    return window.tkExportLayout.layOut(window.Plotly, gd, request).then(function (figure) {
      var size = { width: figure.layout.width, height: figure.layout.height };
      return toImage.call(
        window.Plotly,
        { data: figure.data, layout: figure.layout, config: gd.config },
        Object.assign({}, opts, size)
      );
    });
  };
})();
