"""Start the review window: `preflight-review [--central | --journal URL] [--config FILE]`.

Opens only after a reviewer signs in (`preflight admin add-reviewer` sets them up); the kiosk
has no way into it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox

from preflight.config import load_config
from preflight.errors import PreflightError
from preflight.journal import local_url
from preflight.journal.store import describe_url
from preflight.review.access import ReviewerStore, reviewers_path
from ui.app import start_qt
from ui.review_window import ReviewLogin, ReviewWindow


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="preflight-review", description="Leadership's review of every preflight."
    )
    parser.add_argument("--config", help="configuration file (default: $PREFLIGHT_CONFIG)")
    place = parser.add_mutually_exclusive_group()
    place.add_argument("--central", action="store_true", help="the group's central journal")
    place.add_argument("--journal", metavar="URL", help="this journal database instead")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    app = start_qt("preflight-review", "Session Preflight review", args.theme,
                   "`preflight log` reads the journal on the command line")  # fmt: skip
    if app is None:
        return 2
    try:
        config = load_config(args.config)
        store = ReviewerStore(reviewers_path(config))
        if not store.reviewers():
            raise PreflightError(
                "no reviewers are set up on this computer; IT can add one with "
                "`preflight admin add-reviewer NAME --name 'Full Name' --role dsl`"
            )
        if args.journal:
            url = args.journal
        elif args.central:
            if not config.journal.central_url:
                raise PreflightError("no central journal is configured (journal.central_url)")
            url = config.journal.central_url
        else:
            url = local_url(config)
    except PreflightError as exc:
        QMessageBox.critical(None, "Session Preflight review", str(exc))
        print(f"preflight-review: {exc}", file=sys.stderr)
        return exc.exit_code
    login = ReviewLogin(store)
    if not login.exec() or login.reviewer is None:
        return 3
    window = ReviewWindow(config, login.reviewer, url, describe_url(url),
                          timeout_s=config.journal.timeout_s)  # fmt: skip
    window.resize(1280, 820)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
