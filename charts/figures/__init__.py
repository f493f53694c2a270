"""Figure builders: plotly figures from a chart's data frame, its targets and its
``FigureOptions`` (``time_series``), and the parts they share (annotations, text
fitting, the lean copy for the wire). They draw what they are given and read no
database; ``charts.payload`` calls them."""
