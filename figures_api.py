"""Reading imported (reported) figures back: ``GET /api/indicators/<indicator>/values.json``.

``?region=<code>`` (default: the county of the reporting database) and ``lang``. Every
indicator stored in ``indicator_values`` can be read, whether or not a chart draws it
(docs/imported-figures.md). The answer::

    {"indicator": "...", "region": "99", "min_count": 5,
     "rows": [{"period": "2024" | "2024-Q3" | "2024-07", "period_start": "2024-07-01",
               "grain": "quarter", "value": 61.5, "numerator": 1230, "denominator": 2000,
               "source": "...", "retrieved_on": "2026-11-30" | null,
               "suppressed": false, "suppression_reason": null}],
     "credit": "THL / Sotkanet, CC BY 4.0"}   # only when a row comes from Sotkanet

Counts of people are protected as ``queries.figure_values.published_figures`` says.
Errors are JSON ``{"error": "..."}`` in the asked language: 404 for an indicator with no
stored rows or a region without rows of it, 400 for a bad region code or an unknown
parameter, 503 when the reporting database cannot be read.
"""

from __future__ import annotations

import logging
import math

from flask import Blueprint, jsonify, request

from api_language import request_language
from charts.catalog import CHARTS
from charts.spec import ChartSpec
from queries.engine import DATABASE_ERRORS
from queries.figure_values import indicator_is_stored, published_figures, stored_figures
from queries.reference import county_code
from reporting.figures.layout import is_indicator_id, period_label, region_kind
from reporting.figures.rows import SOTKANET_CREDIT
from settings import get_settings
from translations import quote_value, t

log = logging.getLogger(__name__)
blueprint = Blueprint("figures_api", __name__)

PARAMETERS = ("region", "lang")
# The decimals of a share recomputed for an indicator without a chart (a chart's
# default, charts.spec.ChartSpec.decimals).
DEFAULT_DECIMALS = 1


def _error(status: int, key: str, lang: str, **params: object):
    response = jsonify({"error": t(key, lang, **params)})
    response.status_code = status
    return response


def _number(value: float) -> int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def value_rules(spec: ChartSpec | None) -> dict[str, bool]:
    """What the indicator's chart (a chart id is its indicator's id) says about its
    stored rows: the ``exact``, ``value_is_people`` and ``value_is_exact`` arguments of
    ``published_figures`` (docs/privacy.md, "Figures read back one by one").

    Exactness applies to what the chart draws. A chart that counts things other than
    people (forms, services, health stations) draws every column of its rows: exact.
    A chart whose unit is days (a level, ``reported_mean``) draws only the value, so
    counts given with it are taken as counts of people and the value follows the
    median rule, as for an indicator without a chart. A count chart draws the value as
    its headline series (``series[0]``; ``reported_count(column="value")``): a count
    of people, rounded, unless that series is one of ``exact_series``."""
    if spec is None:
        return {"exact": False, "value_is_people": False, "value_is_exact": False}
    if not spec.counts_people:
        return {"exact": spec.unit != "days", "value_is_people": False, "value_is_exact": False}
    headline_is_count = spec.unit == "count"
    return {
        "exact": False,
        "value_is_people": headline_is_count and spec.rounded(spec.series[0]),
        "value_is_exact": headline_is_count and not spec.rounded(spec.series[0]),
    }


@blueprint.get("/api/indicators/<indicator>/values.json")
def indicator_values_json(indicator: str):
    """The stored figures of one indicator for one region, as they may be served."""
    lang, notices = request_language()
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        names = ", ".join(quote_value(name) for name in unknown)
        return _error(400, "api.unknown_params", lang, names=names, known=", ".join(PARAMETERS))
    if not is_indicator_id(indicator):  # nothing of another form is stored: no query
        return _error(404, "figures.api.unknown_indicator", lang, indicator=quote_value(indicator))
    regions = request.args.getlist("region")
    if len(regions) > 1:  # which one was meant is not ours to guess
        return _error(400, "figures.api.region_twice", lang)
    region = regions[0] if regions else None
    if region is not None and region_kind(region) is None:
        return _error(400, "figures.api.bad_region", lang, value=quote_value(region))
    try:
        region = region or county_code()
        rows = stored_figures(indicator, region)
        if rows.empty:
            key = "figures.api.no_rows" if indicator_is_stored(indicator) else None
            if key is None:
                return _error(
                    404, "figures.api.unknown_indicator", lang, indicator=quote_value(indicator)
                )
            return _error(
                404, key, lang, indicator=quote_value(indicator), region=quote_value(region)
            )
    except DATABASE_ERRORS as error:
        log.warning("values of %s: reporting database failed: %r", indicator[:64], error)
        return _error(503, "api.db_error", lang)
    spec = CHARTS.get(indicator)
    minimum = get_settings().min_cell_count
    published = published_figures(
        rows,
        minimum,
        decimals=spec.decimals if spec is not None else DEFAULT_DECIMALS,
        **value_rules(spec),
    )
    answer = {
        "indicator": indicator,
        "region": region,
        "min_count": minimum,
        "notices": notices,
        "rows": [
            {
                "period": period_label(row.period_start, row.period_grain),
                "period_start": row.period_start.isoformat(),
                "grain": row.period_grain,
                "value": _number(row.value),
                "numerator": _number(row.numerator),
                "denominator": _number(row.denominator),
                "source": row.source,
                "retrieved_on": row.retrieved_on.isoformat() if row.retrieved_on else None,
                "suppressed": bool(row.suppressed),
                "suppression_reason": row.suppression_reason,
            }
            for row in published.itertuples(index=False)
        ],
    }
    from_sotkanet = published["source"].astype(str).str.startswith(SOTKANET_CREDIT)
    if (from_sotkanet & published["published"]).any():
        answer["credit"] = SOTKANET_CREDIT
    return jsonify(answer)
