"""A throw-away PostgreSQL cluster for one test: made, started, stopped and started
again at will, and removed at the end, whatever happens.

The outage drill (issue 12, ``tests/test_outage_drill.py``) stops the reporting
database under a serving app. It cannot do that to the shared server at
``TK_TEST_POSTGRES_URL`` (other tests, and other people, use it), so it makes its own
cluster in a temporary folder:

- ``initdb`` with trust authentication for local connections, UTF-8 (``C.UTF-8``, as
  the machine's cluster), no fsync (nothing here needs to survive a power cut; it makes
  ``initdb``, the demo load and crash recovery fast), small ``shared_buffers``;
- it listens on 127.0.0.1 on a free port (``tests.servers.free_port``) and keeps its
  unix socket inside the temporary folder, so nothing of it lands in the machine's
  socket folder;
- ``pg_ctl start -w`` with a generous time limit (a busy 2-core machine may need long
  for crash recovery after ``stop()``);
- ``stop()`` is ``pg_ctl stop -m immediate``: the postmaster and its backends quit at
  once, open connections are cut without a goodbye and the next start runs crash
  recovery — the nearest a test gets to a database host that falls over. (``-m fast``
  would close sessions politely and checkpoint first: a planned shutdown, not an
  outage.) ``start()`` starts it again on the same port, so the app's URL holds.

Where the binaries are (``postgres_bindir``): ``TK_TEST_PG_BINDIR`` if set, else
``pg_config --bindir`` when that folder has ``initdb`` and ``pg_ctl`` (Debian's
``pg_config`` comes with ``libpq-dev``), else the newest ``/usr/lib/postgresql/<N>/bin``
(Debian's and Ubuntu's server packages, ``postgresql-<N>``), else the folder of
``pg_ctl`` on ``PATH`` (other systems). ``make test``'s prerequisites already install
and start the machine's PostgreSQL (``tests/prerequisites.py``), so these are present
wherever the suite runs.

``initdb`` and ``postgres`` refuse to run as root: as root (CI and the sessions here
are root) every PostgreSQL command runs as the ``postgres`` user through ``runuser``,
and the folder is handed to that user first. As anyone else they run as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port

SERVER_USER = "postgres"  # the Debian package's system user, who may run initdb as root
DATABASE = "reporting"
START_TIMEOUT = 180  # seconds pg_ctl waits for a start (crash recovery on a busy machine)
STOP_TIMEOUT = 60  # seconds pg_ctl waits for the postmaster to be gone
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "50",
    "logging_collector": "off",
}


def postgres_bindir() -> Path:
    """The folder of ``initdb``, ``pg_ctl`` and ``postgres`` (see the module's doc for
    the order in which it is looked for). Raises ``RuntimeError`` naming what was
    tried when none is found."""
    tried = []
    configured = os.environ.get("TK_TEST_PG_BINDIR")
    if configured:
        return Path(configured)
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        done = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    numbered = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        (Path(p) for p in numbered if p.split("/")[-2].isdigit()),
        key=lambda p: int(p.parent.name),
        reverse=True,
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        tried.append(str(folder))
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise RuntimeError(
        "PostgreSQL's server binaries (initdb, pg_ctl) not found; install the server "
        "(Debian: `apt-get install postgresql`) or set TK_TEST_PG_BINDIR. Tried: "
        + (", ".join(tried) or "pg_config, /usr/lib/postgresql/*/bin, pg_ctl on PATH")
    )


class ThrowawayCluster:
    """One PostgreSQL cluster in ``folder`` (``folder/data``, its log ``folder/server.log``
    and its socket in ``folder``), listening on 127.0.0.1:``port``. Made by
    ``throwaway_cluster``; ``url`` is the SQLAlchemy URL of its ``reporting`` database."""

    def __init__(self, folder: Path, port: int, bindir: Path) -> None:
        self.folder = folder
        self.port = port
        self.bindir = bindir
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
        self.running = False

    def _run(self, *args: str, timeout: float) -> None:
        """Run one of the cluster's binaries (as the server user when we are root);
        raise with its output when it fails."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({done.returncode}): "
                f"{done.stdout.strip()} {done.stderr.strip()}\n--- server log ---\n{log}"
            )

    def init(self) -> None:
        """``initdb`` and this cluster's settings (appended to ``postgresql.conf``)."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", timeout=START_TIMEOUT,
        )  # fmt: skip
        settings = {
            **SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.folder}'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/pg_cluster.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        """Start the server and return once it accepts connections (``pg_ctl -w``)."""
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
            "-t", str(START_TIMEOUT), timeout=START_TIMEOUT + 30,
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server: by default at once, as a crash would (see the module's doc);
        ``mode="fast"`` for an orderly stop."""
        self._run(
            "pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w",
            "-t", str(STOP_TIMEOUT), timeout=STOP_TIMEOUT + 30,
        )  # fmt: skip
        self.running = False

    def create_database(self, name: str = DATABASE) -> None:
        """``CREATE DATABASE name`` (the reporting database the app reads)."""
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=30) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


def _hand_over(folder: Path) -> None:
    """Give ``folder`` to the server user when we are root (initdb runs as that user)."""
    if os.geteuid() == 0:
        shutil.chown(folder, user=SERVER_USER, group=None)
        folder.chmod(0o700)


@contextmanager
def throwaway_cluster() -> Iterator[ThrowawayCluster]:
    """A started cluster with an empty ``reporting`` database; stopped (at once) and
    its folder removed on the way out, also when the body fails."""
    bindir = postgres_bindir()
    folder = Path(tempfile.mkdtemp(prefix="tk-pg-drill-"))
    cluster = ThrowawayCluster(folder, free_port(), bindir)
    try:
        _hand_over(folder)
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        try:
            if cluster.running or (cluster.data / "postmaster.pid").exists():
                cluster.stop("immediate")
        except (RuntimeError, subprocess.TimeoutExpired):
            _kill_postmaster(cluster.data)  # never leave a server behind
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _kill_postmaster(data: Path) -> None:
    """SIGKILL the postmaster named in ``data/postmaster.pid``, if any (the last resort
    when ``pg_ctl stop`` failed: its children exit when it is gone)."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    """A throw-away cluster for the tests of one module (``throwaway_cluster``)."""
    with throwaway_cluster() as cluster:
        yield cluster
