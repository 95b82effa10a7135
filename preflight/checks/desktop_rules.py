"""What the desktop checks share: their options, plain advice per category, and title screening.
No Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from preflight.desktop.catalogue import CATEGORIES, Catalogue
from preflight.pii import classify_text
from preflight.results import Finding, Severity, Status

DEFAULT_SEVERITY: Mapping[str, Severity] = {
    "video_call": "fail",
    "recording": "fail",
    "remote_control": "fail",
    "social_media": "fail",
    "messaging": "warn",
    "personal_webmail": "warn",
    "banking_shopping": "warn",
    "gambling_adult": "fail",
}

# Why to close it, per category: finishes "Close Zoom" / "Close the Zoom tab in Firefox".
_WHY = {
    "video_call": "lessons run only on Microsoft Teams",
    "recording": "recording is not allowed without leadership's approval",
    "remote_control": "nobody else may see or control this computer during a session",
    "social_media": "social media must not be open during a session",
    "messaging": "personal messages could pop up during the lesson",
    "personal_webmail": "personal email must not be open during a session",
    "banking_shopping": "personal banking and shopping should not be on screen",
    "gambling_adult": "it must never be open during a school session",
}

# Plain names of the personal-data categories, for title findings.
_PII_WORDS = {
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
    "bank_details": "bank details",
    "date_of_birth": "a date of birth",
    "date": "a date",
    "money": "an amount of money",
    "salutation_name": "a person's name",
    "document_words": "document words",
}


@dataclass(frozen=True)
class DesktopOptions:
    """Attributes:
    catalogue: which apps and sites are which category (built-in plus the school's).
    severity: per category, "fail" (blocks the session), "warn" or "info".
    background_categories: categories also found as running programs with no window.
    title_pii: personal-data categories that make a window or tab title a finding.
    title_pii_severity: the severity of such a finding.
    unsupported_browser_is_error: a running browser whose tabs cannot be read is an error.
    """

    catalogue: Catalogue = field(default_factory=Catalogue.load)
    severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    background_categories: frozenset[str] = frozenset({"recording", "remote_control"})
    title_pii: frozenset[str] = frozenset(
        {"email", "phone", "nhs_number", "ni_number", "bank_details", "date_of_birth"}
    )
    title_pii_severity: Severity = "warn"
    unsupported_browser_is_error: bool = True

    def severity_of(self, category: str) -> Severity:
        return self.severity.get(category, "warn")


def advice(category: str, name: str, *, tab_in: str | None = None, tabs: int = 1) -> str:
    """ "Close Zoom: lessons run only on Microsoft Teams." from fixed words and a catalogue name;
    with `tab_in`, "Close the Zoom tab in Firefox: ..." ("the 2 Zoom tabs" for `tabs` > 1)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if not tab_in:
        what = name
    elif tabs == 1:
        what = f"the {name} tab in {tab_in}"
    else:
        what = f"the {tabs} {name} tabs in {tab_in}"
    return f"Close {what}: {_WHY[category]}."


def pii_words(categories: Iterable[str]) -> str:
    names = [_PII_WORDS[c] for c in sorted(categories) if c in _PII_WORDS]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def title_personal_data(title: str, options: DesktopOptions) -> frozenset[str]:
    """The configured personal-data categories a title shows (categories only, never text)."""
    if not title or not options.title_pii:
        return frozenset()
    return classify_text(title).categories & options.title_pii


def status_of(findings: Iterable[Finding]) -> Status:
    severities = {f.severity for f in findings}
    if "fail" in severities:
        return "fail"
    if "warn" in severities:
        return "warn"
    return "pass"
