"""A throwaway PostgreSQL server for tests, reached only over a unix socket in its own temp dir.

CI jobs may share a network namespace (TCP ports, abstract sockets) but never /tmp, so the server
listens on no TCP port at all (listen_addresses='') and puts its socket in a fresh private dir.
As root it runs as the unprivileged `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
from psycopg import sql

NOT_INSTALLED = "PostgreSQL is not installed; `make test` installs it (scripts/setup_system.sh)"
USER = "preflight"
TIMEOUT_S = 30.0
# Durability against an OS crash is pointless in tests. A killed server still keeps every commit:
# WAL is written to the kernel at commit (synchronous_commit stays on); only the fsyncs are skipped.
SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "50",
}


def find_bin_dir(pattern: str = "/usr/lib/postgresql/*/bin") -> Path:
    """The directory with initdb and postgres: the newest Debian-style install, else PATH's."""

    def version(d: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", d.parent.name))

    dirs = sorted(map(Path, glob.glob(pattern)), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    for d in dirs:
        if all(os.access(d / tool, os.X_OK) for tool in ("initdb", "postgres")):
            return d
    raise RuntimeError(NOT_INSTALLED)


class PostgresServer:
    """One server on its own data dir; `url` is the SQLAlchemy URL of its `preflight` database."""

    def __init__(self, bin_dir: Path, root: Path, run_as: pwd.struct_passwd | None) -> None:
        self.bin_dir, self.root, self.run_as = bin_dir, root, run_as
        self.data_dir, self.log_path = root / "data", root / "server.log"
        self.socket_dir = root  # the socket file is root/.s.PGSQL.5432
        self._proc: subprocess.Popen[bytes] | None = None
        # subprocess's user=/group=/extra_groups= switch to run_as (None: stay who we are).
        self._uid = run_as.pw_uid if run_as else None
        self._gid = run_as.pw_gid if run_as else None
        self._groups: list[int] | None = [] if run_as else None

    # -- addresses -------------------------------------------------------------------------------
    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{USER}@/{dbname}?host={quote(str(self.socket_dir), safe='/')}"

    @property
    def url(self) -> str:
        return self.url_for(USER)

    def conninfo(self, dbname: str = USER) -> str:
        """A libpq connection string, for `psycopg.connect(...)`."""
        return psycopg.conninfo.make_conninfo(host=str(self.socket_dir), user=USER, dbname=dbname)

    # -- databases -------------------------------------------------------------------------------
    def create_database(self, name: str) -> str:
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    # -- process ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.root, env=_clean_env(), user=self._uid, group=self._gid,
            extra_groups=self._groups, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=120, check=False,
        )  # fmt: skip

    def init(self) -> None:
        """initdb, then the settings every start uses (appended to postgresql.conf)."""
        common = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", USER]
        common += ["--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions"]
        for locale in ("C.UTF-8", "C"):  # C.UTF-8 is in every current glibc; plain C elsewhere
            done = self._run(*common, f"--locale={locale}")
            if done.returncode == 0:
                break
            shutil.rmtree(self.data_dir, ignore_errors=True)
        else:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout[-3000:]}")
        settings = {**SETTINGS, "unix_socket_directories": str(self.socket_dir)}
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = '{value}'\n" for key, value in settings.items())

    def start(self) -> None:
        """Start on the existing data dir (crash recovery runs after kill()); wait until ready."""
        if self.running:
            raise RuntimeError("the PostgreSQL test server is already running")
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)],
                cwd=self.root, env=_clean_env(), user=self._uid, group=self._gid,
                extra_groups=self._groups, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + TIMEOUT_S
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                code = self._proc.poll()
                self.kill()
                why = f"exited with {code}" if code is not None else f"not ready in {TIMEOUT_S:g} s"
                raise RuntimeError(
                    f"PostgreSQL test server {why}; its log ends:\n{self.log_tail()}"
                )
            time.sleep(0.02)

    def _ready(self) -> bool:
        """What `pg_ctl -w` checks: postmaster.pid names our process and says it accepts connections."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return False
        assert self._proc is not None
        return len(lines) >= 8 and lines[0] == str(self._proc.pid) and lines[7].strip() == "ready"

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self._proc.wait(TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        self._proc = None

    def kill(self) -> None:
        """Crash: SIGKILL the postmaster and its children at once; start() then recovers from WAL."""
        if self._proc is None:
            return
        try:
            postmaster = psutil.Process(self._proc.pid)
            procs = [postmaster, *postmaster.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        self._proc.wait()
        # Children are not ours to reap: wait until each has exited (a zombie has let go of the
        # shared memory that a new postmaster checks).
        deadline = time.monotonic() + TIMEOUT_S
        for proc in procs[1:]:
            with contextlib.suppress(psutil.NoSuchProcess):
                while proc.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
                    time.sleep(0.01)
        self._proc = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def _clean_env() -> dict[str, str]:
    """The environment minus libpq's PG* variables, which would redirect initdb and clients."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """initdb + start a private server; always stopped and deleted on exit, errors included."""
    bin_dir = find_bin_dir()
    run_as = None
    if os.geteuid() == 0:
        try:
            run_as = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError(
                "running as root, and there is no `postgres` user to run PostgreSQL as; "
                "the Debian package creates it (scripts/setup_system.sh)"
            ) from None
    # As root, /tmp itself: TMPDIR might be a directory the postgres user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="preflight-pg-", dir="/tmp" if run_as else None))
    try:
        if len(str(root / ".s.PGSQL.5432.lock")) > 100:  # sun_path holds at most 107 bytes
            shutil.rmtree(root)
            root = Path(tempfile.mkdtemp(prefix="preflight-pg-", dir="/tmp"))
        root.chmod(0o755)
        if run_as is not None:
            os.chown(root, run_as.pw_uid, run_as.pw_gid)
        server = PostgresServer(bin_dir, root, run_as)
        try:
            server.init()
            server.start()
            server.create_database(USER)
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
