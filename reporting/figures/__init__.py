"""Reported figures: reading files of figures (our canonical layout, Sotkanet's
responses) and storing them in ``indicator_values`` with their history.

``rows`` holds the shapes every reader returns and the store takes: ``Figure`` (one
value for one indicator, region and period) and ``Problem`` (one line-numbered
reason a file is refused, as a translation key), raised together as ``ImportRefused``.
"""
