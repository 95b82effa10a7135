"""A real Secret Service for tests: a private D-Bus session bus with gnome-keyring-daemon on it.

CI jobs may share a network namespace (abstract unix sockets included) but never /tmp, so the bus
listens on a socket *file* in our own temp dir (`unix:path=...`), never on an abstract or fixed
address. The bus has its own config with no service directories: nothing is ever D-Bus-activated
on it, so a killed keyring daemon stays gone (the stock session.conf would start a fresh, locked
one) and gnome-keyring finds no GUI prompter to wait on (an unlock prompt is dismissed at once).

`keyring` picks its backend once per process; `use_secret_service()` and `no_keyring()` switch it
for the length of a `with` block and put the previous backend back afterwards.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.SecretService
from jeepney import DBusAddress, MessageType, Properties, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

NOT_INSTALLED = (
    "{tool} is not installed; `make test` installs it (scripts/setup_system.sh: dbus-daemon, "
    "gnome-keyring)"
)
TIMEOUT_S = 20.0
SECRETS_NAME = "org.freedesktop.secrets"
# Fed to `gnome-keyring-daemon --unlock` on stdin: it creates the "login" keyring with this
# password (the default collection) and unlocks it. With no bytes at all it creates nothing and
# every keyring call fails with "Prompt dismissed"; an empty line would do, but say what it is.
LOGIN_PASSWORD = "preflight-test-login"
SUN_PATH_MAX = 100  # sockaddr_un.sun_path holds 108 bytes with the NUL; keep a margin
BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class SecretService:
    """A private session bus and a gnome-keyring-daemon serving its unlocked "login" keyring.

    `env` holds what a client needs (only DBUS_SESSION_BUS_ADDRESS matters to `keyring` itself;
    HOME and the XDG dirs are the daemon's isolated ones). start() waits until the default
    collection answers unlocked; stop() ends both daemons. Tests may kill_keyring_daemon(),
    kill_bus() or lock() to see how clients fail.
    """

    def __init__(self, tmp_root: Path) -> None:
        self.root = tmp_root
        self._socket_dir: Path | None = None  # our own short dir, if root's path is too long
        self._bus: subprocess.Popen[bytes] | None = None
        self._keyring: subprocess.Popen[bytes] | None = None
        self.bus_log, self.keyring_log = (
            tmp_root / "dbus-daemon.log",
            tmp_root / "gnome-keyring.log",
        )
        self.env: dict[str, str] = {}

    # -- start -----------------------------------------------------------------------------------
    def start(self) -> None:
        tools = {tool: shutil.which(tool) for tool in ("dbus-daemon", "gnome-keyring-daemon")}
        for tool, path in tools.items():
            if path is None:
                raise RuntimeError(NOT_INSTALLED.format(tool=tool))
        # Both sockets (the bus, gnome-keyring's runtime/keyring/control) need short paths.
        socket_root = self.root
        if len(str(socket_root / "runtime" / "keyring" / "control")) > SUN_PATH_MAX:
            short = tempfile.gettempdir()
            self._socket_dir = Path(
                tempfile.mkdtemp(prefix="preflight-kr-", dir=short if len(short) < 40 else "/tmp")
            )
            socket_root = self._socket_dir
        home, data = self.root / "home", self.root / "share"
        runtime, socket = socket_root / "runtime", socket_root / "bus"
        for d in (home, data, runtime):
            d.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)  # the XDG base-dir spec requires it; gnome-keyring checks
        address = f"unix:path={socket}"
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(address=address))
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": address,
            "HOME": str(home),
            "XDG_DATA_HOME": str(data),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        deadline = time.monotonic() + TIMEOUT_S
        self._start_bus(str(tools["dbus-daemon"]), config, deadline)
        self._start_keyring(str(tools["gnome-keyring-daemon"]), deadline)

    def _daemon_env(self) -> dict[str, str]:
        """A clean environment: no DISPLAY (never a GUI prompt), no user's bus or keyring."""
        env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL") if key in os.environ}
        env.setdefault("PATH", os.defpath)
        # GLib would otherwise try dconf and gvfs over the bus (nothing is activatable there).
        env.update(self.env, GSETTINGS_BACKEND="memory", GIO_USE_VFS="local", NO_AT_BRIDGE="1")
        return env

    def _start_bus(self, exe: str, config: Path, deadline: float) -> None:
        with self.bus_log.open("ab") as log:
            self._bus = subprocess.Popen(
                [exe, f"--config-file={config}", "--nofork", "--print-address=1"],
                cwd=self.root, env=self._daemon_env(), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        # It prints the address once it listens: that line is the readiness signal.
        assert self._bus.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self._bus.stdout, selectors.EVENT_READ)
            ready = sel.select(max(0.0, deadline - time.monotonic()))
        line = self._bus.stdout.readline() if ready else b""
        if not line.startswith(b"unix:"):
            self._fail("dbus-daemon did not print its address" if ready else "dbus-daemon hung")

    def _start_keyring(self, exe: str, deadline: float) -> None:
        with self.keyring_log.open("ab") as log:
            self._keyring = subprocess.Popen(
                [exe, "--unlock", "--components=secrets", "--foreground"],
                cwd=self.root, env=self._daemon_env(), stdin=subprocess.PIPE, stdout=log,
                stderr=log,
            )  # fmt: skip
        assert self._keyring.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # it exited: reported below, with its stderr
            self._keyring.stdin.write(LOGIN_PASSWORD.encode() + b"\n")
            self._keyring.stdin.close()
        with contextlib.closing(self._connect()) as conn:
            while not self._ready(conn):
                for name, proc in (
                    ("gnome-keyring-daemon", self._keyring),
                    ("dbus-daemon", self._bus),
                ):
                    if proc is not None and proc.poll() is not None:
                        self._fail(f"{name} exited with {proc.returncode}")
                if time.monotonic() > deadline:
                    self._fail(
                        f"{SECRETS_NAME} had no unlocked default collection within {TIMEOUT_S:g} s"
                    )
                time.sleep(0.01)

    def _connect(self) -> DBusConnection:
        try:
            return open_dbus_connection(self.env["DBUS_SESSION_BUS_ADDRESS"], auth_timeout=5.0)
        except (OSError, ValueError) as exc:
            self._fail(f"cannot connect to the test bus: {exc}")

    def _ready(self, conn: DBusConnection) -> bool:
        try:
            return self._default_collection_unlocked(conn)
        except OSError as exc:  # the bus went away (ConnectionError), or a reply timed out
            self._fail(f"asking the test bus whether {SECRETS_NAME} is ready: {exc!r}")

    @staticmethod
    def _default_collection_unlocked(conn: DBusConnection) -> bool:
        """Ready = the service owns its name, its "default" alias names a collection, unlocked."""
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(SECRETS_NAME), timeout=5.0)
        if not reply.body[0]:
            return False
        service = DBusAddress(
            "/org/freedesktop/secrets", SECRETS_NAME, "org.freedesktop.Secret.Service"
        )
        reply = conn.send_and_get_reply(
            new_method_call(service, "ReadAlias", "s", ("default",)), timeout=5.0
        )
        if reply.header.message_type == MessageType.error or reply.body[0] == "/":
            return False
        collection = DBusAddress(reply.body[0], SECRETS_NAME, "org.freedesktop.Secret.Collection")
        reply = conn.send_and_get_reply(Properties(collection).get("Locked"), timeout=5.0)
        return reply.header.message_type != MessageType.error and reply.body[0][1] is False

    def _fail(self, why: str) -> NoReturn:
        self.stop()
        raise RuntimeError(f"test Secret Service: {why}\n{self.logs()}")

    # -- disruptions -----------------------------------------------------------------------------
    def lock(self) -> None:
        """Lock the default collection, as a screen lock or `secret-tool lock` would."""
        with contextlib.closing(self._connect()) as conn:
            service = DBusAddress(
                "/org/freedesktop/secrets", SECRETS_NAME, "org.freedesktop.Secret.Service"
            )
            path = conn.send_and_get_reply(
                new_method_call(service, "ReadAlias", "s", ("default",)), timeout=5.0
            ).body[0]
            reply = conn.send_and_get_reply(
                new_method_call(service, "Lock", "ao", ([path],)), timeout=5.0
            )
            if reply.header.message_type == MessageType.error:
                raise RuntimeError(f"cannot lock {path}: {reply.body}")

    def kill_keyring_daemon(self) -> None:
        """SIGKILL gnome-keyring-daemon; the bus stays up (and starts no replacement)."""
        _end(self._keyring, signal.SIGKILL)
        self._keyring = None

    def kill_bus(self) -> None:
        """SIGKILL the bus (gnome-keyring-daemon then exits on its own, or stop() ends it)."""
        _end(self._bus, signal.SIGKILL)
        self._bus = None

    # -- stop ------------------------------------------------------------------------------------
    def stop(self) -> None:
        _end(self._keyring, signal.SIGTERM)
        self._keyring = None
        _end(self._bus, signal.SIGTERM)
        self._bus = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def logs(self, lines: int = 20) -> str:
        """The tails of both daemons' stderr, for error messages."""
        parts = []
        for name, path in (
            ("dbus-daemon", self.bus_log),
            ("gnome-keyring-daemon", self.keyring_log),
        ):
            try:
                text = "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            except FileNotFoundError:
                text = ""
            parts.append(f"--- {name} stderr:\n{text or '(empty)'}")
        return "\n".join(parts)


def _end(proc: subprocess.Popen[bytes] | None, sig: signal.Signals) -> None:
    """Signal a daemon and reap it (SIGKILL after 5 s); closes our ends of its pipes."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(5.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


@contextlib.contextmanager
def running_secret_service(tmp_root: Path) -> Iterator[SecretService]:
    """Start a SecretService under tmp_root; always stopped on exit, errors included.

    Raises:
        RuntimeError: a daemon is not installed, exited, or the service was not ready in
            TIMEOUT_S; the message ends with both daemons' stderr tails.
    """
    service = SecretService(tmp_root)
    try:
        service.start()
        yield service
    finally:
        service.stop()


@contextlib.contextmanager
def secret_service(tmp_root: Path) -> Iterator[dict[str, str]]:
    """Start a private Secret Service; yields the environment variables a client must set.

    This process's environment and `keyring` backend are left alone: set the variables
    (monkeypatch.setenv) and enter `use_secret_service()` to use it through `keyring`.
    """
    with running_secret_service(tmp_root) as service:
        yield dict(service.env)


@contextlib.contextmanager
def use_backend(
    backend: keyring.backend.KeyringBackend,
) -> Iterator[keyring.backend.KeyringBackend]:
    """Make `keyring` in this process use backend inside the block; restore the previous one.

    keyring.get_keyring() chooses a backend on first use and caches it for the process; saving it
    here triggers that choice if it has not happened yet (it probes the current environment).
    """
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def use_secret_service() -> contextlib.AbstractContextManager[keyring.backend.KeyringBackend]:
    """`keyring` talks to the Secret Service on $DBUS_SESSION_BUS_ADDRESS (read at each call)."""
    return use_backend(keyring.backends.SecretService.Keyring())  # type: ignore[no-untyped-call]


def no_keyring() -> contextlib.AbstractContextManager[keyring.backend.KeyringBackend]:
    """No usable keyring: every keyring call raises keyring.errors.NoKeyringError."""
    return use_backend(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
