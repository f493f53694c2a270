"""fork_hooks: a forked child of a process that built the app opens its own reporting
database connections instead of sharing its parent's pooled ones."""

from __future__ import annotations

import os

import pytest

from queries.engine import dispose_engines, fetch_frame
from queries.sql import statement
from settings import configure, get_settings
from tests.conftest import fixture_db_url, use_reporting_db
from tests.fixtures import foundation

BACKEND_PID = statement("SELECT pg_backend_pid() AS pid")


def _backend_pid() -> int:
    return int(fetch_frame(BACKEND_PID, {})["pid"].iloc[0])


@pytest.mark.postgres
def test_fk001_a_forked_child_opens_its_own_connection(request, postgres_server_url):
    """A child forked after the parent queried PostgreSQL gets a server process of its
    own: the parent's pooled connection (one socket, one server process) stays the
    parent's, and the parent can still use it after the child ended."""
    original = get_settings()
    use_reporting_db(fixture_db_url("postgresql", foundation, request))
    request.addfinalizer(lambda: (dispose_engines(), configure(original)))
    parent = _backend_pid()  # the pool now holds this connection
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: answer through the pipe and leave without cleanup
        try:
            os.write(write, str(_backend_pid()).encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(child, 0)
    # A shared connection would have answered with the parent's server process.
    assert answer.isdigit() and int(answer) != parent
    assert _backend_pid() == parent  # the parent's connection still works, still pooled
