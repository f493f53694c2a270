"""Files analysts take away: ``data`` (CSV and XLSX of a chart's numbers), ``images``
(chart images drawn on the server) and ``pptx`` (a page's charts as a PowerPoint deck).

Nothing here imports Dash: the API routes and callbacks call these modules.
"""
