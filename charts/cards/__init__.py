"""Card views: the Dash components of chart and KPI cards (``chart``, ``kpi``) and the
controls inside them (``radio``, ``phase_picker``). They lay out what the chart data
layer (``charts.payload``) computed."""
