"""Reviewer access: secrets are stored only as scrypt hashes, sign-in succeeds and fails
correctly, and a damaged reviewer file is a clear error, never a way in. Real files, real KDF."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from preflight.config import load_config
from preflight.review.access import ReviewerError, ReviewerStore, reviewers_path
from tests.conftest import ROOT

SECRET = "correct horse battery staple"


def test_a_reviewer_signs_in_with_their_passphrase_and_nothing_else(tmp_path: Path) -> None:
    store = ReviewerStore(tmp_path / "reviewers.json")
    store.add("J.Smith", "Jane  Smith", "dsl", SECRET)
    me = store.authenticate("j.smith", SECRET)
    assert me is not None and (me.username, me.display_name, me.role) == (
        "j.smith",
        "Jane Smith",
        "dsl",
    )
    assert store.authenticate(" J.SMITH ", SECRET) == me  # names are not case-sensitive
    assert store.authenticate("j.smith", SECRET.upper()) is None
    assert store.authenticate("j.smith", SECRET + " ") is None
    assert store.authenticate("j.smith", "") is None
    assert store.authenticate("nobody", SECRET) is None
    assert store.authenticate("", "") is None


def test_the_file_holds_salted_hashes_never_the_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "reviewers.json"
    store = ReviewerStore(path)
    store.add("a.head", "Alex Head", "slt", SECRET)
    store.add("b.dsl", "Bea Lead", "dsl", SECRET)
    raw = path.read_bytes()
    assert SECRET.encode() not in raw and b"horse" not in raw
    entries = json.loads(raw)["reviewers"]
    assert entries["a.head"]["kdf"]["name"] == "scrypt" and entries["a.head"]["kdf"]["n"] >= 2**15
    assert entries["a.head"]["hash"] != entries["b.dsl"]["hash"]  # a salt each
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("username", "name", "role", "secret", "message"),
    [
        ("j smith", "Jane", "slt", SECRET, "reviewer name"),
        ("x", "Jane", "slt", SECRET, "reviewer name"),
        ("j.smith", "   ", "slt", SECRET, "full name"),
        ("j.smith", "Jane", "teacher", SECRET, "role must be"),
        ("j.smith", "Jane", "slt", "short pass", "too short"),
        ("j.smith", "Jane", "slt", " " + SECRET, "starts or ends with a space"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    tmp_path: Path, username: str, name: str, role: str, secret: str, message: str
) -> None:
    path = tmp_path / "reviewers.json"
    store = ReviewerStore(path)
    store.add("keep.me", "Kept", "slt", SECRET)
    before = path.read_bytes()
    with pytest.raises(ReviewerError, match=message):
        store.add(username, name, role, secret)
    assert path.read_bytes() == before


def test_adding_twice_needs_replace_and_replace_changes_the_secret(tmp_path: Path) -> None:
    store = ReviewerStore(tmp_path / "reviewers.json")
    store.add("j.smith", "Jane Smith", "slt", SECRET)
    with pytest.raises(ReviewerError, match="already a reviewer"):
        store.add("j.smith", "Jane Smith", "slt", "another long passphrase")
    store.add("j.smith", "Jane Smith", "dsl", "another long passphrase", replace=True)
    assert store.authenticate("j.smith", SECRET) is None
    assert store.authenticate("j.smith", "another long passphrase") is not None
    store.remove("j.smith")
    assert store.authenticate("j.smith", "another long passphrase") is None
    with pytest.raises(ReviewerError, match="is not a reviewer"):
        store.remove("j.smith")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "not text"),
        (b"{not json", "not a reviewer file"),
        (b'{"format": 2, "reviewers": {}}', "format 1"),
        (b'{"format": 1}', "'reviewers' is missing"),
        (b'{"format": 1, "reviewers": {"a.b": {"role": "slt", "display_name": "A"}}}', "damaged"),
        (b'{"format": 1, "reviewers": {"a.b": {"role": "god", "display_name": "A"}}}', "role"),
    ],
)
def test_a_damaged_file_is_an_error_not_a_way_in(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "reviewers.json"
    path.write_bytes(content)
    store = ReviewerStore(path)
    with pytest.raises(ReviewerError, match=message):
        store.authenticate("a.b", SECRET)
    with pytest.raises(ReviewerError, match=message):
        store.add("c.d", "C D", "slt", SECRET)
    assert path.read_bytes() == content


def test_a_weakened_hash_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reviewers.json"
    store = ReviewerStore(path)
    store.add("a.b", "A B", "slt", SECRET)
    document = json.loads(path.read_text())
    document["reviewers"]["a.b"]["kdf"]["n"] = 2  # someone lowering the cost to brute-force it
    path.write_text(json.dumps(document))
    with pytest.raises(ReviewerError, match="damaged"):
        store.authenticate("a.b", SECRET)


def _preflight(*args: str, stdin: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "preflight", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **(env or {})}, timeout=60,
    )  # fmt: skip


def test_admin_commands_add_list_and_remove_reviewers(tmp_path: Path) -> None:
    done = _preflight(
        "admin", "add-reviewer", "j.smith", "--name", "Jane Smith", "--role", "dsl",
        "--password-stdin", stdin=SECRET + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "j.smith (Jane Smith, designated safeguarding lead)" in done.stdout
    path = reviewers_path(load_config())
    assert ReviewerStore(path).authenticate("j.smith", SECRET) is not None
    listed = _preflight("admin", "reviewers")
    assert (
        listed.returncode == 0 and "j.smith" in listed.stdout and "1 reviewer(s)" in listed.stdout
    )
    assert SECRET not in listed.stdout + done.stdout + done.stderr
    again = _preflight(
        "admin", "add-reviewer", "j.smith", "--name", "Jane", "--role", "slt",
        "--password-stdin", stdin=SECRET + "\n",
    )  # fmt: skip
    assert again.returncode == 2 and "already a reviewer" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    gone = _preflight("admin", "remove-reviewer", "J.Smith")
    assert gone.returncode == 0
    assert ReviewerStore(path).reviewers() == []


def test_no_passphrase_without_a_terminal_is_an_error(tmp_path: Path) -> None:
    done = _preflight("admin", "add-reviewer", "j.smith", "--name", "Jane", "--role", "slt")
    assert done.returncode == 2 and "no passphrase given" in done.stderr
    short = _preflight(
        "admin", "add-reviewer", "j.smith", "--name", "Jane", "--role", "slt",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert short.returncode == 2 and "too short" in short.stderr


def test_the_school_config_can_place_the_reviewer_file(tmp_path: Path) -> None:
    config = tmp_path / "school.toml"
    config.write_text('[review]\nreviewers_file = "secure/reviewers.json"\n')
    assert reviewers_path(load_config(config)) == tmp_path / "secure" / "reviewers.json"
    done = _preflight(
        "--config", str(config), "admin", "add-reviewer", "a.b", "--name", "A B", "--role",
        "slt", "--password-stdin", stdin=SECRET + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "secure" / "reviewers.json").is_file()
