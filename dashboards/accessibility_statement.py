"""``/saavutettavuus``: the accessibility statement (saavutettavuusseloste,
tillgänglighetsutlåtande) that the Act on the Provision of Digital Services (306/2019)
requires, in the language of the address (``?lang=``), after the Finnish model
statement: the service it covers, the compliance status, what is not accessible and
its accessible alternative, how accessibility was assessed, the statement's dates, the
feedback channel (``TK_ACCESSIBILITY_FEEDBACK``) with the response time, and the
supervisory authority. docs/accessibility.md says how to update it.

The layout is the page's content only: the header, navigation and ``<main>`` come from
the app's frame, like on every other page.
"""

from __future__ import annotations

from datetime import date

from dash import html, register_page

from charts.address import Address
from dashboards._frame import STATEMENT_PATH, framed, joined_title
from dashboards._page import SHOWN, notices_block
from settings import feedback_kind, get_settings
from translations import format_date, t

# The figures the statement cites, once here (texts take them as placeholders): the
# law, the WCAG version it requires, the keyboard criterion the charts' canvas fails,
# the law's response time in days, and when Lupa- ja valvontavirasto became the
# supervisory authority (docs/accessibility.md: what was assumed).
LAW = "306/2019"
WCAG_VERSION = "2.1"
KEYBOARD_CRITERION = "2.1.1"
RESPONSE_DAYS = 14
AUTHORITY_SINCE = date(2026, 1, 1)
# The notices of the address that concern this page: the language (filters, views and
# phases of a link are ignored here, so their refusals are not shown either).
_LANGUAGE_NOTICES = ("notice.bad_lang",)


register_page(
    __name__,
    path=STATEMENT_PATH,
    name=t("accessibility.title"),
    title=joined_title("app.title", "accessibility.title"),
)


def _section(key: str, heading_key: str, children: list, lang: str) -> html.Section:
    """A section headed by an ``<h2>`` (id ``accessibility-<key>``) that labels it."""
    heading_id = f"accessibility-{key}"
    return html.Section(
        [html.H2(t(heading_key, lang), id=heading_id, className="h4"), *children],
        id=f"accessibility-section-{key}",
        className="mb-4",
        **{"aria-labelledby": heading_id},
    )


def _gap(key: str, lang: str) -> html.Li:
    """One item of the non-accessible content: an ``<h3>`` naming it, what and why, and
    the accessible alternative (``key`` is ``chart`` or ``files``)."""
    params = (
        {"table_button": t("card.show_table", lang), "criterion": KEYBOARD_CRITERION}
        if key == "chart"
        else {}
    )
    return html.Li(
        [
            html.H3(t(f"accessibility.gap_{key}_title", lang), className="h6"),
            html.P(t(f"accessibility.gap_{key}", lang, **params), className="mb-1"),
            html.P(t(f"accessibility.gap_{key}_alternative", lang, **params)),
        ],
        id=f"accessibility-gap-{key}",
    )


def feedback_channel(value: str, lang: str) -> html.P:
    """The feedback channel as a paragraph: "Sähköposti:" and a ``mailto:`` link for an
    email address, "Palautelomake:" and a link for an ``https://`` address, or the
    notice that no channel is set when ``value`` is empty (``settings.feedback_kind``
    has refused anything else when the settings were read)."""
    kind = feedback_kind(value)
    if kind == "email":
        label, href = t("accessibility.feedback_email", lang), "mailto:" + value
    elif kind == "url":
        label, href = t("accessibility.feedback_form", lang), value
    else:
        return html.P(t("accessibility.feedback_missing", lang), id="accessibility-feedback")
    return html.P(
        [html.Span(label + " "), html.A(value, href=href)],
        id="accessibility-feedback",
    )


def statement(lang: str) -> html.Div:
    """The accessibility statement in ``lang`` for the current settings: an ``html.Div``
    with one ``<h1>`` and a ``<section>`` under an ``<h2>`` per part of the model
    statement."""
    settings = get_settings()
    prepared, updated = settings.accessibility_dates
    organisation = settings.accessibility_organisation
    provider = (
        t("accessibility.provider_named", lang, organisation=organisation)
        if organisation
        else t("accessibility.provider_generic", lang)
    )
    dates = [html.P(t("accessibility.prepared", lang, date=format_date(prepared, lang)))]
    if updated is not None:
        dates.append(html.P(t("accessibility.updated", lang, date=format_date(updated, lang))))
    authority_url = t("accessibility.authority_url", lang)
    return html.Div(
        [
            html.H1(t("accessibility.title", lang)),
            html.P(
                t("accessibility.intro", lang, service=t("app.title", lang)) + " " + provider,
                className="lead",
            ),
            html.P(t("accessibility.law", lang, law=LAW, wcag=WCAG_VERSION)),
            _section(
                "status",
                "accessibility.status_heading",
                [html.P(t("accessibility.status", lang))],
                lang,
            ),
            _section(
                "gaps",
                "accessibility.not_accessible_heading",
                [html.Ul([_gap("chart", lang), _gap("files", lang)])],
                lang,
            ),
            _section(
                "assessment",
                "accessibility.assessment_heading",
                [
                    html.P(t("accessibility.assessment", lang)),
                    html.Ul(
                        [
                            html.Li(t("accessibility.assessment_axe", lang, wcag=WCAG_VERSION)),
                            html.Li(t("accessibility.assessment_keyboard", lang)),
                        ]
                    ),
                    html.P(t("accessibility.assessment_limits", lang)),
                    *dates,
                ],
                lang,
            ),
            _section(
                "feedback",
                "accessibility.feedback_heading",
                [
                    html.P(t("accessibility.feedback", lang)),
                    feedback_channel(settings.accessibility_feedback, lang),
                    html.P(t("accessibility.response_time", lang, days=RESPONSE_DAYS)),
                ],
                lang,
            ),
            _section(
                "authority",
                "accessibility.authority_heading",
                [
                    html.P(
                        t(
                            "accessibility.authority",
                            lang,
                            days=RESPONSE_DAYS,
                            since=format_date(AUTHORITY_SINCE, lang),
                        )
                    ),
                    html.P(
                        [
                            html.Span(t("accessibility.authority_link_intro", lang) + " "),
                            html.A(
                                t("accessibility.authority_link", lang),
                                href=authority_url,
                                id="accessibility-authority-link",
                            ),
                        ]
                    ),
                ],
                lang,
            ),
        ],
        id="accessibility-statement",
    )


@framed()
def layout(**query: object) -> html.Div:
    """The statement in the address's language (``?lang=``), after a notice when the
    address asked for a language the dashboard does not show."""
    address, notices = Address.from_query({k: v for k, v in query.items() if k != SHOWN})
    lang = address.language
    shown = tuple(n for n in notices if str(n).startswith(_LANGUAGE_NOTICES))
    page = statement(lang)
    page.children = [page.children[0], *notices_block(shown, lang), *page.children[1:]]
    return page
