"""Overview page ``/``: the headline chart of every investment area."""

from dash import register_page

from dashboards._page import overview_page, page_registration

register_page(__name__, **page_registration(""))


def layout(**query: object):
    """The overview for the filters in the URL (cheap: the cards load their data later)."""
    return overview_page(query)
