"""Microsoft Teams meeting links: which links are Teams meetings, and how to open one. No Qt.

The policies allow lessons on Teams only, so a link to anything else is refused by name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Join links for meetings in a school tenant (and the newer short form), plus Teams (free).
_HOSTS = ("teams.microsoft.com", "teams.live.com")
_PATHS = ("/l/meetup-join/", "/meet/", "/l/meeting/")


def check_teams_link(link: str) -> str:
    """The link, stripped, if it is a Teams meeting link.

    Raises:
        ValueError: with the reason a teacher can act on.
    """
    text = link.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "msteams":
        if parts.path.startswith(_PATHS) or (parts.netloc == "" and parts.path.startswith("/l/")):
            return text
        raise ValueError("this msteams: link is not a meeting link; copy the meeting's join link")
    if scheme != "https":
        raise ValueError("paste the meeting's https://teams.microsoft.com/... join link")
    host = (parts.hostname or "").lower()
    if host not in _HOSTS:
        where = host or "no web address"
        raise ValueError(
            f"this is a link to {where}, not a Teams meeting; lessons run on Teams only"
        )
    if not parts.path.startswith(_PATHS):
        raise ValueError("this Teams link is not a meeting join link; copy it from the invitation")
    return text


def deep_link(link: str) -> str:
    """The msteams: form of an https join link, which opens the Teams app directly."""
    parts = urlsplit(check_teams_link(link))
    if parts.scheme.lower() == "msteams":
        return link.strip()
    return parts._replace(scheme="msteams", netloc="").geturl().replace("msteams:///", "msteams:/")
