"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

Row = dict[str, Any]


def share(selected: Sequence[Row], pred: Callable[[Row], bool]) -> tuple[float, int]:
    """The share of rows for which `pred` holds, and how many rows there were (NaN for none)."""
    if not selected:
        return float("nan"), 0
    return sum(1 for r in selected if pred(r)) / len(selected), len(selected)


def save(name: str, result: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps(result, indent=2, default=float))
