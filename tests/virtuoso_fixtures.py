"""Virtuoso 7 (Debian's ``virtuoso-opensource``) as a real remote store for the tests.

Loaded as a pytest plugin from ``conftest.py``; the tests that use it are marked
``virtuoso``. Each instance is a ``virtuoso-t`` with its own ``virtuoso.ini`` and
database in a temporary folder, its SQL and HTTP ports on free loopback ports, and no
access to the network or to files outside that folder: ``virtuoso`` is the one
tests/test_virtuoso.py loads and compares with the embedded store, ``virtuoso_engine``
the ``virtuoso`` backend of the endpoint and browser suites (server_fixtures.py).

Reading is anonymous, at ``/sparql``. Writing is what a Virtuoso administrator gives
an application: an account of its own holding the ``SPARQL_UPDATE`` role, used with
HTTP digest authentication at ``/sparql-auth`` (SPARQL Update) and
``/sparql-graph-crud-auth`` (Graph Store Protocol). The anonymous ``/sparql`` stays
read-only, and the ``dba`` password is changed from Virtuoso's well-known default.

Without ``virtuoso-t`` the tests fail, saying how to install it: CI runs them, and a
suite that skips itself there would prove nothing.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from server_fixtures import Engine, free_port, stop, wait_until_up

# MaxSortedTopRows: Virtuoso sorts at most 10,000 rows of an ORDER BY … LIMIT by default,
# and the server sends every SELECT with LIMIT max_rows + 1 (10,001 by default).
# Small enough for a 2-core CI machine running other servers beside it: 2,000 pages of
# 8 KiB (16 MiB) of buffers is ample for a graph of a few thousand triples.
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {folder}
AllowOSCalls = 0
NumberOfBuffers = 2000
MaxDirtyBuffers = 1500
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxQueryMem = 256M
MaxSortedTopRows = 100000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8
Charset = UTF-8
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""
# What an administrator sets up for us: the account the build writes with, and what it
# may do (SPARQL Update, but no SPARQL_SPONGE: no LOAD or FROM fetching from the web);
# Virtuoso's own graphs made private, so that the anonymous endpoint's default graph
# (the union of all graphs) holds our graphs only; a dba password of its own.
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"  # the group Virtuoso hides
SETUP = """\
DB.DBA.USER_CREATE ('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 3);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
DB.DBA.RDF_GRAPH_GROUP_CREATE ('{private}', 1);
DB.DBA.RDF_GRAPH_GROUP_INS ('{private}', 'http://www.openlinksw.com/schemas/virtrdf#');
DB.DBA.RDF_GRAPH_GROUP_INS ('{private}', 'http://www.w3.org/ns/ldp#');
DB.DBA.RDF_GRAPH_GROUP_INS ('{private}', 'http://localuriqaserver/sparql');
DB.DBA.USER_PASSWORD_SET ('dba', '{dba}');
"""
MISSING = (
    "Virtuoso 7 is not installed (no virtuoso-t on PATH): the `virtuoso` tests need it. "
    "Run scripts/install-system-packages.sh as root (it installs Debian's "
    "virtuoso-opensource non-interactively), or deselect them with -m 'not virtuoso'."
)


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL, its SQL address (for ``isql-vt``), the
    account that may write, and the folder of its database (the only one it may read)."""

    base: str
    sql: str
    folder: Path
    user: str = "passerelles"
    password: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)
    dba_password: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)

    @property
    def query_url(self) -> str:
        """The anonymous, read-only SPARQL 1.1 query endpoint."""
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL 1.1 Update, for ``user`` with HTTP digest authentication."""
        return f"{self.base}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol, for ``user`` with digest authentication."""
        return f"{self.base}/sparql-graph-crud-auth"


def executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(MISSING, pytrace=False)
    return found


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    return ini


def isql(virtuoso: Virtuoso, script: str, password: str = "") -> None:
    """Run SQL statements as dba; fail with isql's output if one of them failed."""
    done = subprocess.run(
        [
            executable("isql-vt"),
            virtuoso.sql,
            "dba",
            password or virtuoso.dba_password,
            f"EXEC={script}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    # isql exits 0 even when a statement failed: its output says so.
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        server_log = (virtuoso.folder / "virtuoso.log").read_text(errors="replace")
        pytest.fail(f"Virtuoso's isql failed:\n{done.stdout}{done.stderr}\n{server_log}")


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Virtuoso]:
    """``virtuoso-t`` on free loopback ports over a new database in ``folder``."""
    program = executable("virtuoso-t")
    sql_port, http_port = free_port(), free_port()
    ini = write_ini(folder, sql_port, http_port)
    log = folder / "stdout.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [program, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        started = Virtuoso(f"http://127.0.0.1:{http_port}", f"127.0.0.1:{sql_port}", folder)
        wait_until_up(process, started.query_url, log)
        accounts = SETUP.format(
            user=started.user,
            password=started.password,
            private=PRIVATE,
            dba=started.dba_password,
        )
        isql(started, accounts, password="dba")  # Virtuoso's well-known first password
        yield started
    finally:
        stop(process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One empty Virtuoso for the session (tests/test_virtuoso.py loads it)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as started:
        yield started


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Another empty Virtuoso, as the ``virtuoso`` backend of the endpoint and browser
    suites: the backend fixture loads it with ``passerelles build --store URL`` through
    the Graph Store Protocol, as the account that may write."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-engine")) as started:
        yield Engine(
            started.query_url,
            {
                "store_gsp": started.graph_store_url,
                "store_user": started.user,
                "store_password": started.password,
                "store_auth": "digest",
            },
        )
