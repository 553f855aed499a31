"""Running the installed ``wxkf-lint`` command (and flake8) in a subprocess, as users do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Set, Tuple

import pytest

REPO = Path(__file__).resolve().parent.parent


def wxkf_executable() -> str:
    found = shutil.which("wxkf-lint", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if found is None:
        pytest.fail("the wxkf-lint command is not installed (pip install -e '.[test]')")
    return found


def run_wxkf(args: Sequence[str], cwd: Optional[Path] = None, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [wxkf_executable(), *args],
        cwd=str(cwd) if cwd else None,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def run_flake8(args: Sequence[str], cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        cwd=str(cwd) if cwd else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def parse_text_report(output: str) -> Set[Tuple[str, int, int, str]]:
    """``path:line:col: CODE message`` lines → {(path, line, col, code)}."""
    found = set()
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit():
            found.add((os.path.normpath(parts[0]), int(parts[1]), int(parts[2]), parts[3].split()[0]))
    return found


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> List[Tuple[str, float, bytes]]:
    return sorted((str(p), p.stat().st_mtime, p.read_bytes()) for p in folder.rglob("*") if p.is_file())
