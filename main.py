"""Start Session Preflight: the staff preflight window (see `ui/app.py` for its options)."""

from __future__ import annotations

from ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
