"""Real pre-commit runs the hook from this repository (``pre-commit try-repo``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.cli_helpers import REPO, write
from tests.test_cli import CLEAN, DEFECTIVE


def _git(*args: str, cwd) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed by pre-commit")
def test_try_repo_runs_the_hook(tmp_path):
    project = tmp_path / "project"
    write(project / "bad.py", DEFECTIVE)
    write(project / "good.py", CLEAN)
    _git("init", "-q", cwd=project)
    _git("add", ".", cwd=project)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "wxkf-lint", "--all-files"],
        cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bad.py:8:8: WXK101" in output
    assert not any(line.startswith("good.py:") for line in output.splitlines())
