"""Who is signing: school email addresses, not personal ones. No Qt.

The policies require staff to use school accounts for all contact with pupils and families, so
a personal mailbox (Gmail, Outlook.com, iCloud...) is refused with the reason. Where the school
lists its staff domains, only those are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_EMAIL = re.compile(r"^[^@\s]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")

# Consumer mailbox providers (by domain, or by the name before the country ending).
_PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
        "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com",
        "mac.com", "aol.com", "aol.co.uk", "proton.me", "protonmail.com", "pm.me", "gmx.com",
        "gmx.co.uk", "gmx.de", "mail.com", "zoho.com", "yandex.com", "tutanota.com", "fastmail.com",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
        "blueyonder.co.uk", "tiscali.co.uk", "plus.net", "hushmail.com",
    }
)  # fmt: skip
_PERSONAL_NAMES = ("hotmail.", "outlook.", "yahoo.", "live.", "gmx.", "yandex.")


def on_domain(domain: str, domains: Sequence[str]) -> bool:
    """Whether an email domain is one of these or a subdomain of one."""
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


def is_staff_domain(domain: str, staff: Sequence[str], pupils: Sequence[str] = ()) -> bool:
    """On a staff domain and not a pupils' one: pupils.school.example sits under
    school.example, and a pupil's account is never a staff account."""
    return on_domain(domain, staff) and not on_domain(domain, pupils)


def is_personal_domain(domain: str) -> bool:
    """Whether a domain is a consumer mailbox provider (gmail.com, outlook.com...)."""
    domain = domain.lower()
    return domain in _PERSONAL_DOMAINS or domain.startswith(_PERSONAL_NAMES)


def check_school_email(
    email: str, staff_domains: Sequence[str] = (), pupil_domains: Sequence[str] = ()
) -> str:
    """The address, tidied, if it can be a school address.

    Raises:
        ValueError: with the reason, in words a teacher can act on.
    """
    text = email.strip()
    match = _EMAIL.match(text)
    if not match:
        raise ValueError("enter your school email address, like name@school.example")
    domain = match.group(1).lower()
    if is_personal_domain(domain):
        raise ValueError(f"{domain} is a personal mailbox; sessions must use your school account")
    allowed = [d.lower().lstrip("@") for d in staff_domains if d.strip()]
    if allowed and not on_domain(domain, allowed):
        raise ValueError(f"{domain} is not one of the school's domains ({', '.join(allowed)})")
    if on_domain(domain, [d.lower().lstrip("@") for d in pupil_domains if d.strip()]):
        raise ValueError(f"{domain} is a pupils' domain; sign with your staff account")
    return text


def check_contact_email(email: str) -> bool:
    """Whether this looks like an email address at all (a parent's own, say)."""
    return bool(_EMAIL.match(email.strip()))
