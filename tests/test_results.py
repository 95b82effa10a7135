"""Findings, check results, reports: validation, verdict rules and the JSON contract."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest

from preflight.results import CheckResult, Finding, Report, render_text, verdict_of
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())


def person(severity: str = "info", box: tuple[float, ...] = (1, 2, 30, 40)) -> Finding:
    return Finding(kind="person", severity=severity, message="A person", box_xyxy=box)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"box_xyxy": (1, 2, 3)}, "box_xyxy must have 4 numbers, got 3"),
        ({"box_xyxy": (10, 2, 3, 40)}, "x1>=x0"),
        ({"kind": "face"}, "finding kind must be one of"),
        ({"severity": "bad"}, "severity must be one of"),
        ({"confidence": 1.5}, "confidence must be within [0, 1]"),
        ({"message": ""}, "needs a message"),
    ],
)
def test_finding_rejects_bad_values_with_a_clear_message(
    kwargs: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {"kind": "person", "severity": "info", "message": "m"}
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Finding(**{**base, **kwargs})  # type: ignore[arg-type]


def test_check_result_rejects_unknown_ids_and_statuses() -> None:
    with pytest.raises(ValueError, match="check id must be one of"):
        CheckResult(id="camera.faces", status="pass", summary="x")
    with pytest.raises(ValueError, match="status must be one of"):
        CheckResult(id="camera.people", status="ok", summary="x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        (["pass", "pass"], "pass"),
        (["pass", "skipped"], "pass"),
        (["pass", "warn"], "warn"),
        (["warn", "error"], "error"),  # could not run outranks a warning
        (["error", "fail"], "fail"),  # a known failure outranks an error
        (["skipped"], "error"),  # nothing ran is never a pass
        ([], "error"),
    ],
)
def test_verdict_rules(statuses: list[str], verdict: str) -> None:
    assert verdict_of(statuses) == verdict  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("verdict_status", "code"), [("pass", 0), ("warn", 1), ("fail", 3), ("error", 4)]
)
def test_exit_code_follows_the_verdict(verdict_status: str, code: int) -> None:
    report = Report(
        source="x", checks=(CheckResult(id="camera.people", status=verdict_status, summary="s"),)
    )  # type: ignore[arg-type]
    assert report.exit_code == code


def test_report_json_matches_the_documented_schema_and_round_trips() -> None:
    finding = Finding(
        kind="person", severity="fail", message="A second person", box_xyxy=(np.float32(1.5), 2, 3, 4),
        confidence=np.float32(0.9), details={"frames_seen": np.int64(40)},
    )  # fmt: skip
    report = Report(
        source="clip.mp4",
        frame_size_wh=(1280, 720),
        frames_analysed=45,
        checks=(
            CheckResult(id="camera.people", status="fail", summary="2 people", findings=(finding,),
                        metrics={"people_count": np.int64(2)}, elapsed_ms=12.34),
            CheckResult.skipped("camera.stillness", "single picture"),
        ),
    )  # fmt: skip
    data = json.loads(report.to_json())
    jsonschema.validate(data, SCHEMA)
    assert data["verdict"] == "fail"
    assert data["checks"][0]["findings"][0]["details"] == {"frames_seen": 40}
    assert Report.from_dict(data).to_dict() == data


def test_report_refuses_a_check_twice() -> None:
    check = CheckResult(id="camera.people", status="pass", summary="s")
    with pytest.raises(ValueError, match="once"):
        Report(source="x", checks=(check, check))


def test_text_report_says_status_in_words_and_lists_what_to_do() -> None:
    report = Report(
        source="room.mp4",
        frame_size_wh=(1280, 720),
        frames_analysed=45,
        checks=(
            CheckResult(id="camera.stillness", status="pass", summary="The camera is still"),
            CheckResult(id="camera.people", status="fail", summary="2 people in view; 1 expected",
                        findings=(person(), person("fail"))),
        ),
    )  # fmt: skip
    text = render_text(report)
    assert "Verdict: FAIL" in text
    assert text.index("camera.people") < text.index("camera.stillness")  # stable check order
    assert "FAIL   camera.people" in text and "PASS   camera.stillness" in text
    assert text.count("- A person") == 1  # info findings are not listed as things to fix
