"""Running programs, by name: for recorders and remote-control tools that hide in the tray. No Qt.

Only names and executables are read; command lines (which can hold file names) never are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import psutil


@dataclass(frozen=True)
class ProcessInfo:
    """One running program: process name, executable path ("" when hidden from us) and pid."""

    name: str
    executable: str
    pid: int


def running_processes() -> list[ProcessInfo]:
    """Every process this user can see. Processes that end while being read are skipped."""
    found = []
    for proc in psutil.process_iter(["name", "exe", "pid"]):
        info = proc.info
        name = info.get("name") or ""
        if name:
            found.append(ProcessInfo(name=name, executable=info.get("exe") or "", pid=info["pid"]))
    return found


def program_names(name: str, executable: str) -> list[str]:
    """A program's names to match it by: its process name and its executable's file name."""
    names = [name]
    if executable:
        # Windows paths stay whole with PurePath on Linux; take the last part on any system.
        names.append(PurePath(executable.replace("\\", "/")).name)
    return names
