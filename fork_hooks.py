"""What a forked child of the app's process redoes at its start, registered once per
process by the app factory (``app.create_app``): a PowerPoint export job is a fork of
a multi-threaded web worker (``background_jobs``), and the Celery and gunicorn workers
may be forks of a process that built the app."""

from __future__ import annotations

import gc
import os

from exports.images import forget_parent_browser
from meetings.db import new_lock_after_fork
from queries.engine import set_inherited_pools_aside

# A forked child inherits both the registration and this flag.
_registered = False


def after_fork_in_child() -> None:
    """Fork hygiene in the child: objects inherited from the parent are left out of the
    garbage collector's reach, the reporting database's pooled connections are set
    aside for the parent (``queries.engine.set_inherited_pools_aside``), the app
    database's engine lock is new, and the parent's chart-image browser is left to the
    parent.

    ``gc.freeze()``: collecting the parent's leftover cycles in the child ran their
    finalizers (pooled database connections, sockets of other threads) and once
    crashed the export job with a segmentation fault.
    """
    gc.freeze()
    set_inherited_pools_aside()
    new_lock_after_fork()
    forget_parent_browser()


def init_fork_hooks() -> None:
    """Register ``after_fork_in_child`` to run in every child this process forks; a
    second call in the same process does nothing (the hook would run twice)."""
    global _registered
    if not _registered:
        os.register_at_fork(after_in_child=after_fork_in_child)
        _registered = True
