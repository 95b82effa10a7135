"""What a record keeps: facts and categories, never content; times in UTC with the offset."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preflight.journal.record import Override, Person, launch_payload, timestamp
from preflight.journal.seal import canonical
from tests.journal.factory import START, preflight


def test_findings_keep_categories_boxes_and_names_but_no_content() -> None:
    payload = preflight(0, verdict_fail=True, overridden=True).payload()
    text = json.dumps(payload)
    # The window title and the finding messages (which could carry names) are not kept.
    assert "Parents evening" not in text and "parents evening" not in text
    assert "Sam Patel's" not in text and "readable on camera" not in text
    checks = {c["id"]: c for c in payload["checks"]}
    (document,) = checks["camera.documents"]["findings"]
    assert document == {
        "kind": "document",
        "severity": "warn",
        "box": [101, 221, 380, 521],
        "pii": ["phone", "postcode"],
        "words": 41,
    }
    (window,) = checks["desktop.windows"]["findings"]
    assert window == {
        "kind": "window",
        "severity": "fail",
        "box": None,
        "app": "Zoom",
        "category": "video_call",
    }
    assert payload["verdict"] == "fail"
    assert payload["overrides"] == [
        {
            "check": "desktop.windows",
            "reason": "Captioner joins by Zoom",
            "approved_by": "Head of SEN",
        }
    ]
    assert [a["id"] for a in payload["attestations"]] == ["consent_on_file", "slt_copied"]
    assert payload["session"]["pupils"] == ["Sam Patel"]
    assert payload["session"]["teams_link"].startswith("https://teams.microsoft.com/")


def test_times_are_utc_with_the_local_offset() -> None:
    assert timestamp(START) == {"utc": "2026-06-15T08:55:12.345Z", "offset": "+01:00"}
    minus = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(-dt.timedelta(hours=3, minutes=30)))
    assert timestamp(minus) == {"utc": "2026-01-02T06:34:05.000Z", "offset": "-03:30"}
    with pytest.raises(ValueError, match="timezone-aware"):
        timestamp(dt.datetime(2026, 1, 1))


def test_a_launch_record_points_at_its_preflight() -> None:
    payload = launch_payload("abc", START, "msteams")
    assert payload["kind"] == "launch" and payload["preflight_record"] == "abc"
    assert payload["launched_at"]["offset"] == "+01:00"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Person(" ", "a@b.c"), "name"),
        (lambda: Person("A", "a@b.c", "teacher"), "role"),  # type: ignore[arg-type]
        (lambda: Override("desktop.windows", "  ", "Head"), "reason"),
        (lambda: Override("desktop.windows", "Needed", ""), "approved"),
    ],
)
def test_incomplete_people_and_overrides_are_refused(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()


def test_canonical_json_is_rfc_8785() -> None:
    # RFC 8785 §3.2.2/3.2.3: keys sorted by UTF-16 code units, numbers in ECMAScript form.
    value = {"b": [1e30, 4.5, 0.002, -0.0], "a": "€", "\u20ac": 1, "😀": 2, "\r": 3}
    assert canonical(value) == ('{"\\r":3,"a":"€","b":[1e+30,4.5,0.002,0],"€":1,"😀":2}'.encode())


def test_a_tab_keeps_the_catalogue_site_not_the_host() -> None:
    from preflight.journal.record import reduce_finding
    from preflight.results import Finding

    tab = Finding(
        "tab",
        "fail",
        "Close the Tumblr tab",
        details={
            "browser": "Firefox",
            "site": "Tumblr",
            "host": "jane-doe.tumblr.com",
            "category": "social_media",
        },
    )
    assert reduce_finding(tab) == {
        "kind": "tab",
        "severity": "fail",
        "box": None,
        "site": "Tumblr",
        "browser": "Firefox",
        "category": "social_media",
    }


_CANONICAL_DIGEST = textwrap.dedent(
    """
    import hashlib, random, sys
    from preflight.journal.seal import canonical
    from tests.journal.factory import preflight

    def shuffled(value, rng):
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffled(v, rng) for k, v in items}
        return [shuffled(v, rng) for v in value] if isinstance(value, list) else value

    payload = preflight(3, verdict_fail=True, overridden=True).payload()
    rng = random.Random(int(sys.argv[1]))
    print(hashlib.sha256(canonical(shuffled(payload, rng))).hexdigest())
    """
)


def test_the_canonical_form_is_the_same_across_runs_and_dict_orders() -> None:
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", _CANONICAL_DIGEST, str(seed)],
            capture_output=True, text=True, check=True, cwd=root,
            env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(root)},
        ).stdout.strip()
        for seed in (1, 2, 3)
    }  # fmt: skip
    assert len(digests) == 1 and len(digests.pop()) == 64
