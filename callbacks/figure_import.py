"""The upload page's callbacks (``dashboards.figure_import``): preview a file, then
write it.

``preview`` reads the uploaded file (``reporting.figures.layout.read_figures``) and
compares it with what is stored (``reporting.figures.store.preview_figures``); it
writes nothing. A file the reader refuses is refused with the store's problems of the
rows it could read too (``refusal_with_stored_problems``), so every problem is listed
at once. The page's file picker filters neither kind nor size: every file comes here,
and a refusal says why (too large, another format).

``save`` re-reads the same upload from the browser's state (nothing is kept on the
server between the two clicks) and writes it
(``reporting.figures.store.write_figures``) only when it is the file the preview showed:
the preview leaves a token in a store, the HMAC of the digest of the file's name and
contents under the server's secret (``server_secret``), and a save whose file does not
match the token (a file picked since then, or a token the browser made itself) is
refused as stale. The save button is disabled while a save runs
and after it (Dash's ``running``), so a second click sends nothing; a forged second
request would find every row unchanged anyway (the store is idempotent).

Both check on the server everything the browser sends: the caller must be an editor
(``meetings.components.can_write``; a forged request from anyone else writes nothing),
the contents a ``data:`` URL of base64 of at most ``MAX_BYTES`` bytes, the name text.
Every refusal is a message in the page's language; nothing raises to the user.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from dash import Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.registry import callback, clientside_callback
from charts.address import page_language
from charts.cards.chart import alert
from dashboards._figure_import import IDS, MAX_BYTES, MAX_MEGABYTES, preview_table, problem_list
from identity import current_author
from meetings.components import can_write
from meetings.messages import read_only_text
from queries.engine import DATABASE_ERRORS
from reporting.figures.layout import read_figures
from reporting.figures.notices import uncharted_notices
from reporting.figures.rows import ImportRefused
from reporting.figures.store import (
    ImportFailed,
    import_url,
    preview_figures,
    refusal_with_stored_problems,
    write_figures,
)
from server_secret import sign, verify
from translations import t, t_plural

log = logging.getLogger(__name__)

STATUSES = ("new", "changed", "unchanged")  # a preview row's (reporting.figures.store)
MAX_NAME = 255  # characters of a file name kept (a longer one is cut)
# A data: URL's base64 is 4 characters per 3 bytes; its header ("data:<type>;base64,")
# is short. Anything longer is refused before it is decoded.
MAX_CONTENTS = (MAX_BYTES + 2) // 3 * 4 + 1024
# What the preview's token is for (server_secret.sign): no other token is accepted.
PREVIEW_PURPOSE = "figure-import-preview"


@dataclass(frozen=True)
class Upload:
    """A decoded upload: the file's ``name`` (without any folder) and ``content``."""

    name: str
    content: bytes

    @property
    def digest(self) -> str:
        """What identifies this file for the save: SHA-256 of its name and contents."""
        return hashlib.sha256(self.name.encode() + b"\0" + self.content).hexdigest()

    @property
    def token(self) -> str:
        """What the preview gives the browser for the save: the digest signed with the
        server's secret, which the browser cannot make for a file it never previewed."""
        return sign(PREVIEW_PURPOSE, self.digest)


class BadUpload(Exception):
    """An upload that cannot be read: ``key`` the translation key of the message."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def file_name(raw: object) -> str:
    """The name of an uploaded file without any folder (a browser may send one),
    printable characters only, at most ``MAX_NAME`` of them; ``BadUpload`` when none
    is left."""
    if not isinstance(raw, str):
        raise BadUpload("figure_import.status.unreadable")
    name = PureWindowsPath(PurePosixPath(raw).name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_NAME]
    if not name:
        raise BadUpload("figure_import.status.unreadable")
    return name


def decode_upload(contents: object, name: object) -> Upload:
    """``dcc.Upload``'s ``contents`` (``data:<type>;base64,<data>``) and ``filename``
    as an ``Upload``. ``BadUpload``: ``figure_import.status.too_large`` beyond
    ``MAX_BYTES`` (checked on the text's length before decoding, and on the bytes),
    ``figure_import.status.unreadable`` for anything that is not such a URL of valid
    base64, or an empty file."""
    clean_name = file_name(name)
    if not isinstance(contents, str):
        raise BadUpload("figure_import.status.unreadable")
    if len(contents) > MAX_CONTENTS:
        raise BadUpload("figure_import.status.too_large")
    header, comma, data = contents.partition(",")
    if not comma or not header.startswith("data:") or not header.endswith(";base64"):
        raise BadUpload("figure_import.status.unreadable")
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BadUpload("figure_import.status.unreadable") from None
    if len(content) > MAX_BYTES:
        raise BadUpload("figure_import.status.too_large")
    if not content:
        raise BadUpload("figure_import.status.empty")
    return Upload(clean_name, content)


def _danger(children) -> html.Div:
    return alert(children, "danger", "figure-import-refused")


def _bad_upload(error: BadUpload, name: object, lang: str) -> html.Div:
    try:
        shown = file_name(name)
    except BadUpload:
        shown = ""
    return _danger(t(error.key, lang, file=shown, mb=MAX_MEGABYTES))


def refusal(error: Exception, name: str, lang: str) -> html.Div:
    """What the page says when reading, previewing or writing ``name`` failed: a file
    with problems (how many, that nothing was written, each by line), a store that
    cannot write, a database that cannot be reached, or anything else."""
    if isinstance(error, ImportRefused):
        count = len(error.problems)
        heading = t_plural(
            count,
            lang,
            one="figure_import.status.refused_one",
            other="figure_import.status.refused",
            count=count,
            file=name,
        )
        return _danger([html.P(heading), problem_list(error.texts(lang), lang)])
    if isinstance(error, ImportFailed):
        params = {key: str(value) for key, value in dict(error.params or {}).items()}
        nothing = t("figure_import.nothing_written", lang)
        return _danger([t(error.key, lang, **params), " ", nothing])
    if isinstance(error, DATABASE_ERRORS):
        return _danger(t("figure_import.status.database", lang))
    return _danger(t("figure_import.status.failed", lang))


def _checked(use, upload: Upload):
    """``use(figures)`` with the figures of ``upload`` (``read_figures``). A file the
    reader refuses is refused with the store's problems of the rows it could read
    added (``refusal_with_stored_problems``): every problem is listed at once."""
    try:
        figures = read_figures(upload.content, upload.name)
    except ImportRefused as refused:
        raise refusal_with_stored_problems(import_url(), refused) from None
    return use(figures)


def _log(error: Exception, doing: str) -> None:
    # A refused file is the user's to fix; the others are the operator's to know.
    if isinstance(error, ImportFailed):
        log.warning("figure import: the store refused to %s (%s)", doing, error.key)
    elif not isinstance(error, ImportRefused):
        log.error("figure import: could not %s", doing, exc_info=error)


def _not_editor(lang: str) -> html.Div:
    return alert(
        [t("figure_import.editors_only", lang), " ", read_only_text(lang)],
        "info",
        "read-only-notice",
    )


def _language(lang: object) -> str:
    return page_language(lang if isinstance(lang, str) else None)


@callback(
    Output(IDS["status"], "children"),
    Output(IDS["preview"], "children"),
    Output(IDS["save"], "disabled"),
    Output(IDS["previewed"], "data"),
    Output(IDS["summary"], "children"),
    Input(IDS["upload"], "contents"),
    State(IDS["upload"], "filename"),
    State(IDS["form"], "lang"),
    prevent_initial_call=True,
    running=[(Output(IDS["upload"], "disabled"), True, False)],
)
def preview(contents: object, name: object, lang: object) -> tuple:
    """The preview of an uploaded file: (status, preview table, save disabled, token
    of the previewed file (``Upload.token``) or None, summary cleared). Writes nothing."""
    lang = _language(lang)
    if contents is None:
        raise PreventUpdate  # the upload was cleared
    if not can_write():
        return _not_editor(lang), [], True, None, []
    try:
        upload = decode_upload(contents, name)
    except BadUpload as error:
        return _bad_upload(error, name, lang), [], True, None, []
    try:
        rows = _checked(lambda figures: preview_figures(import_url(), figures, upload.name), upload)
        token = upload.token  # the secret's key file may not be readable or makeable
    except Exception as error:  # noqa: BLE001 - every failure becomes a message
        _log(error, "preview a file")
        return refusal(error, upload.name, lang), [], True, None, []
    if not rows:
        empty = _danger(t("figure_import.status.no_rows", lang, file=upload.name))
        return empty, [], True, None, []
    counts = {key: sum(row.status == key for row in rows) for key in STATUSES}
    rows_text = t_plural(
        len(rows),
        lang,
        one="figure_import.count.rows_one",
        other="figure_import.count.rows",
        count=len(rows),
    )
    text = t("figure_import.status.preview", lang, file=upload.name, rows=rows_text, **counts)
    status = [alert(text, "info", "figure-import-counts")]
    # The CLI's notice of an indicator id no chart draws (a typo?): a warning, not a
    # refusal, so saving stays possible.
    indicators = dict.fromkeys(row.figure.indicator_id for row in rows)
    notices = uncharted_notices(indicators, lang)
    if notices:
        items = [html.P(notice, className="mb-1") for notice in notices]
        status.append(alert(items, "warning", "figure-import-uncharted"))
    return status, preview_table(rows, lang), False, token, []


@callback(
    Output(IDS["summary"], "children", allow_duplicate=True),
    Output(IDS["status"], "children", allow_duplicate=True),
    Output(IDS["preview"], "children", allow_duplicate=True),
    Output(IDS["previewed"], "data", allow_duplicate=True),
    Output(IDS["upload"], "contents"),
    Input(IDS["save"], "n_clicks"),
    State(IDS["upload"], "contents"),
    State(IDS["upload"], "filename"),
    State(IDS["previewed"], "data"),
    State(IDS["form"], "lang"),
    prevent_initial_call=True,
    # Disabled at the click and left disabled: a second click sends nothing; the next
    # preview enables it again.
    running=[(Output(IDS["save"], "disabled"), True, True)],
)
def save(clicks: object, contents: object, name: object, previewed: object, lang: object) -> tuple:
    """Write the previewed file: (summary, status, preview, token, upload contents) —
    on success the summary, the preview's status and table cleared, the token
    forgotten and the upload emptied (the same file must be previewed again before
    another save, and picking it again is a change Dash passes on). Refused with a
    message in the summary, writing nothing: not an editor, no preview, a file other
    than the previewed one or a token not made by the server (stale), an upload that
    cannot be read, a file with problems, a database that cannot be written."""
    lang = _language(lang)
    if not clicks:
        raise PreventUpdate
    if not can_write():
        return _not_editor(lang), no_update, no_update, None, no_update
    try:
        upload = decode_upload(contents, name)
    except BadUpload as error:
        return _bad_upload(error, name, lang), no_update, no_update, None, no_update
    try:
        previewed_this = verify(PREVIEW_PURPOSE, upload.digest, previewed)
    except Exception as error:  # noqa: BLE001 - a secret that cannot be read: a message
        _log(error, "check a preview's token")
        return refusal(error, upload.name, lang), no_update, no_update, None, no_update
    if not previewed_this:
        return _danger(t("figure_import.status.stale", lang)), no_update, no_update, None, no_update
    try:
        summary = _checked(
            lambda figures: write_figures(
                import_url(),
                figures,
                file_name=upload.name,
                content=upload.content,
                imported_by=current_author(),
            ),
            upload,
        )
    except Exception as error:  # noqa: BLE001 - every failure becomes a message
        _log(error, "write a file")
        return refusal(error, upload.name, lang), no_update, no_update, None, no_update
    log.info(
        "figure import: %d added, %d replaced, %d unchanged (%s)",
        summary.added,
        summary.replaced,
        summary.unchanged,
        ", ".join(summary.indicators),
    )
    return alert(saved_text(summary, lang), "success", "figure-import-saved"), [], [], None, None


def saved_text(summary, lang: str) -> str:
    """What a save says (``summary`` a ``reporting.figures.store.ImportSummary``): that
    nothing was changed when every row was already stored as it is (the CLI's text),
    else the counts, with the history named only when something was corrected."""
    params = {
        "file": summary.file_name,
        "added": summary.added,
        "replaced": summary.replaced,
        "unchanged": summary.unchanged,
        "indicators": ", ".join(summary.indicators),
    }
    if not (summary.added or summary.replaced):
        one, other = "figures.cli.unchanged_one", "figures.cli.unchanged"
        return t_plural(summary.unchanged, lang, one=one, other=other, **params)
    key = "figure_import.status.saved" if summary.replaced else "figure_import.status.saved_added"
    return t(key, lang, **params)


# The label opens the file dialog natively (``dashboards.figure_import``), not through
# dcc.Upload's own click, which empties the file input first; without that, picking the
# same file again (corrected in place, or after a save) would change nothing and send
# nothing. So the input is emptied once its file has been read. It runs in the
# browser: the file's contents are already in the component.
clientside_callback(
    """
    function (contents) {
        var input = document.querySelector("#figure-import-upload input[type=file]");
        if (input) { input.value = ""; }
        return window.dash_clientside.no_update;
    }
    """,
    Output(IDS["upload"], "className_reject"),
    Input(IDS["upload"], "contents"),
    prevent_initial_call=True,
)
