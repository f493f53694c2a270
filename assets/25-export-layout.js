// The layout rule of every exported chart image, in one place: the toolbar's PNG/SVG
// downloads (30-export-buttons.js) and the server's images for PowerPoint
// (exports/images.py loads this file into kaleido's drawing page) both call
// window.tkExportLayout.layOut. The image is stacked from what it contains, top to
// bottom, each block measured as plotly draws it at the export width:
//
//   PAD | title (wrapped to the width) | GAP | what the figure draws above its plot
//   area (legend, tick label halves) | the plot area | what it draws below (tick
//   labels, axis titles, a legend below) | GAP | caption lines (each wrapped) | PAD
//
// so the image is as tall as its content at any width and nothing overlaps or falls
// outside. The figure's own layout (legend placement, margins: charts/figures/time_series.py) is
// respected, not rewritten: its blocks are measured, not assumed.
(function () {
  var PAD = 12; // px between the image's edge and its content
  var GAP = 10; // px between the title, the chart and the captions
  var EDGE = 4; // px kept free at the sides for what the figure draws near them
  var MIN_PLOT_HEIGHT = 120; // px: the plot area never shrinks below this
  // A legend in a static image cannot scroll: let it be as tall as its entries
  // (plotly's default caps a horizontal legend at half the figure height).
  var LEGEND_MAX_HEIGHT = 100000;
  // Measuring passes draw the figure this much taller than asked, so plotly's margin
  // pushes (a tall legend) never hit its own caps there.
  var MEASURE_EXTRA = 2000;

  function clone(value) {
    return JSON.parse(JSON.stringify(value || {}));
  }

  // Plotly reads title and annotation text as pseudo-HTML: keep the text literal.
  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function textMeasure(font) {
    var context = document.createElement("canvas").getContext("2d");
    context.font = font.size + "px " + font.family;
    return function (text) {
      return context.measureText(text).width;
    };
  }

  // Greedy word wrap: lines no wider than `width` (a word longer than a whole line is
  // cut between characters).
  function wrap(text, width, measure) {
    var lines = [];
    var current = "";
    String(text)
      .split(/\s+/)
      .filter(Boolean)
      .forEach(function (word) {
        var candidate = current ? current + " " + word : word;
        if (measure(candidate) <= width) {
          current = candidate;
          return;
        }
        if (current) lines.push(current);
        current = "";
        while (measure(word) > width && word.length > 1) {
          var cut = word.length - 1;
          while (cut > 1 && measure(word.slice(0, cut)) > width) cut -= 1;
          lines.push(word.slice(0, cut));
          word = word.slice(cut);
        }
        current = word;
      });
    if (current) lines.push(current);
    return lines;
  }

  function wrappedText(lines, width, font) {
    var measure = textMeasure(font);
    var out = [];
    lines.forEach(function (line) {
      wrap(line, width, measure).forEach(function (part) {
        out.push(escapeText(part));
      });
    });
    return out.join("<br>");
  }

  function box(node, origin) {
    var rect = node.getBoundingClientRect();
    return {
      left: rect.left - origin.left,
      top: rect.top - origin.top,
      right: rect.right - origin.left,
      bottom: rect.bottom - origin.top
    };
  }

  // Boxes of everything the figure itself draws outside the traces: legend, tick
  // labels, axis titles and its own annotations; not the export's title or caption.
  function contentBoxes(gd, captionIndex) {
    var origin = gd.getBoundingClientRect();
    var nodes = Array.prototype.slice.call(
      gd.querySelectorAll(".main-svg text, .main-svg g.legend, .main-svg g.annotation")
    );
    return nodes
      .filter(function (node) {
        if (node.closest(".g-gtitle")) return false;
        var annotation = node.closest("g.annotation");
        return !(annotation && annotation.getAttribute("data-index") === String(captionIndex));
      })
      .map(function (node) {
        return box(node, origin);
      })
      .filter(function (b) {
        return b.right > b.left && b.bottom > b.top;
      });
  }

  function probe() {
    var node = document.createElement("div");
    // Laid out (text can be measured) but out of sight and out of the page's flow.
    node.style.cssText = "position:absolute;left:-100000px;top:0;visibility:hidden;";
    document.body.appendChild(node);
    return node;
  }

  function captionAnnotation(text, font) {
    return {
      text: text,
      xref: "paper",
      yref: "paper",
      x: 0,
      y: 0,
      xanchor: "left",
      yanchor: "top",
      align: "left",
      showarrow: false,
      borderpad: 0,
      borderwidth: 0,
      font: font
    };
  }

  /**
   * The figure laid out for an image file.
   *
   * figure: {data, layout} as drawn (not changed). options: width (px of the image),
   * height (px the figure is drawn at; default its layout.height or 360), title (text),
   * lines (caption lines, plain text), titleSize and captionSize (px).
   * Resolves to {data, layout} whose layout.width and layout.height are the image's.
   */
  function layOut(Plotly, figure, options) {
    options = options || {};
    var data = figure.data || [];
    var base = clone(figure.layout);
    if (base.meta) delete base.meta.tkExportLayout;
    var width = Math.round(options.width || base.width || 900);
    var height = Math.round(options.height || base.height || 360);
    var title = options.title || (base.title && base.title.text) || "";
    var lines = (options.lines || []).filter(Boolean);
    var gd = probe();
    var config = { staticPlot: true, displayModeBar: false };
    base.width = width;
    base.legend = Object.assign({}, base.legend || {}, { maxheight: LEGEND_MAX_HEIGHT });
    base.title = { text: "" };

    function finish(result) {
      Plotly.purge(gd);
      gd.remove();
      return result;
    }

    // Pass 1: the figure's own margins at this width, pushes (a legend at the side,
    // axis automargins) included; and the plot height it was designed for.
    var first = clone(base);
    first.height = height + MEASURE_EXTRA;
    return Plotly.newPlot(gd, data, first, config)
      .then(function () {
        var full = gd._fullLayout;
        var size = full._size;
        var plotHeight = Math.max(height - full.margin.t - full.margin.b, MIN_PLOT_HEIGHT);
        var inner = width - 2 * PAD;
        var family = full.font.family;
        // Content the figure draws past the image's sides (a last tick label centred
        // on the plot area's edge) widens that margin.
        var left = 0;
        var right = width;
        contentBoxes(gd, -1).forEach(function (b) {
          left = Math.min(left, b.left - EDGE);
          right = Math.max(right, b.right + EDGE);
        });
        var marginLeft = Math.ceil(size.l - left);
        var marginRight = Math.ceil(size.r + right - width);
        var titleFont = {
          family: family,
          size: options.titleSize || 16,
          color: full.font.color
        };
        var captionFont = { family: family, size: options.captionSize || 11, color: "#333333" };
        var annotations = (base.annotations || []).slice();
        var captionIndex = lines.length ? annotations.length : -1;
        var second = clone(base);
        // Pass 2: the plot area at its designed height with fixed margins, so every
        // block can be measured relative to it; title and caption drawn to be measured.
        second.height = size.t + plotHeight + size.b;
        second.margin = {
          l: marginLeft,
          r: marginRight,
          t: size.t,
          b: size.b,
          autoexpand: false
        };
        if (title) {
          second.title = {
            text: wrappedText([title], inner, titleFont),
            font: titleFont,
            x: PAD / width,
            xref: "container",
            xanchor: "left",
            y: 1 - PAD / second.height,
            yref: "container",
            yanchor: "top",
            automargin: false
          };
        }
        if (lines.length) {
          annotations.push(captionAnnotation(wrappedText(lines, inner, captionFont), captionFont));
        }
        second.annotations = annotations;
        return Plotly.react(gd, data, second, config).then(function () {
          return { second: second, captionIndex: captionIndex, plotHeight: plotHeight };
        });
      })
      .then(function (state) {
        var second = state.second;
        var size = gd._fullLayout._size;
        var origin = gd.getBoundingClientRect();
        var plotTop = size.t;
        var plotBottom = size.t + size.h;
        var above = 0;
        var below = 0;
        contentBoxes(gd, state.captionIndex).forEach(function (b) {
          above = Math.max(above, plotTop - b.top);
          below = Math.max(below, b.bottom - plotBottom);
        });
        var titleBottom = 0;
        var titleShift = 0;
        var titleNode = gd.querySelector(".g-gtitle text");
        if (second.title.text && titleNode) {
          var titleBox = box(titleNode, origin);
          // plotly anchors a wrapped title by its first line: move it down until its
          // top is at the padding.
          titleShift = PAD - titleBox.top;
          titleBottom = titleBox.bottom + titleShift;
        }
        var captionHeight = 0;
        var captionNode =
          state.captionIndex >= 0 &&
          gd.querySelector("g.annotation[data-index='" + state.captionIndex + "']");
        if (captionNode) {
          var caption = box(captionNode, origin);
          captionHeight = caption.bottom - caption.top;
        }
        var top = Math.ceil((titleBottom ? titleBottom + GAP : PAD) + above);
        var bottom = Math.ceil(below + (captionHeight ? GAP + captionHeight : 0) + PAD);
        var layout = second;
        layout.height = top + size.h + bottom;
        layout.margin = { l: size.l, r: size.r, t: top, b: bottom, autoexpand: false };
        if (layout.title.text) layout.title.y = 1 - (PAD + titleShift) / layout.height;
        if (captionNode) {
          var annotation = layout.annotations[state.captionIndex];
          // From the plot area's left edge to the image's padding; below everything
          // the figure draws under its plot area.
          annotation.x = -(size.l - PAD) / size.w;
          annotation.yshift = -Math.ceil(below + GAP);
        }
        return finish({ data: data, layout: layout });
      })
      .catch(function (error) {
        finish(null);
        throw error;
      });
  }

  window.tkExportLayout = { layOut: layOut, PAD: PAD, GAP: GAP };
})();
