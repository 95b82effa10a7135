"""`camera.documents` judged from region readings (the scene tests cover reading itself)."""

from __future__ import annotations

from preflight.checks.documents import DocumentsOptions, evaluate_documents
from preflight.vision.reading import TextRegionReading

LETTER = TextRegionReading(
    (100, 500, 400, 700), 42, frozenset({"postcode", "phone", "salutation_name"})
)
POSTER = TextRegionReading((800, 100, 1100, 250), 5, frozenset())


def test_a_document_seen_in_several_frames_is_one_finding() -> None:
    shifted = TextRegionReading((104, 498, 402, 703), 38, frozenset({"postcode", "date"}))
    result = evaluate_documents([[LETTER], None, [shifted], None], DocumentsOptions())
    assert result.status == "fail"
    (finding,) = result.findings
    assert finding.kind == "document" and finding.severity == "fail"
    assert finding.details["words"] == 42
    assert finding.details["pii"] == ["date", "phone", "postcode", "salutation_name"]
    assert finding.details["frames_seen"] == 2


def test_legible_text_without_personal_data_warns() -> None:
    result = evaluate_documents([[POSTER]], DocumentsOptions())
    assert result.status == "warn"
    assert result.findings[0].severity == "warn"
    assert result.findings[0].details["pii"] == []


def test_personal_data_fails_even_beside_harmless_text() -> None:
    result = evaluate_documents([[POSTER, LETTER]], DocumentsOptions())
    assert result.status == "fail"
    assert [f.severity for f in result.findings] == ["fail", "warn"]


def test_no_legible_text_passes() -> None:
    result = evaluate_documents([[], None, []], DocumentsOptions())
    assert result.status == "pass"
    assert result.findings == ()


def test_no_frame_read_is_an_error_not_a_pass() -> None:
    assert evaluate_documents([None, None], DocumentsOptions()).status == "error"


def test_messages_name_categories_in_words_never_content() -> None:
    result = evaluate_documents([[LETTER]], DocumentsOptions())
    message = result.findings[0].message.lower()
    assert "postcode" in message or "address" in message
    assert "phone" in message
