"""`python -m preflight` runs the command line."""

from preflight.cli import main

raise SystemExit(main())
