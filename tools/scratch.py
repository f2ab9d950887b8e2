"""A scratch copy of the project that the studio may edit, train from, commit in and publish
from, without touching the checkout (the studio's tests and ``tools.bench_publish``).

It holds what the studio edits and checks (data, domain, sources, test sets, stories, the web
files) as a git repository of its own; the code and the built spaCy pipeline are the
checkout's, linked (training imports and reads them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROJECT_FILES = ("data", "docs/sources", "tests/nlu", "tests/stories", "web", "domain.yml",
                 "config.yml", "endpoints.yml", "credentials.yml", "requirements.txt")
LINKED = ("pluskod", "build")


def scratch_project(root: Path, target: Path) -> Path:
    for name in PROJECT_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / name)
    for name in LINKED:
        (target / name).symlink_to(root / name)
    (target / ".gitignore").write_text("var/\nmodels/\n.secrets/\nlogs/\n.rasa/\n"
                                       + "".join(f"{name}\n" for name in LINKED))
    git = ["git", "-c", "user.name=scratch", "-c", "user.email=scratch@pluskod.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(git + ["add", "-A"], cwd=target, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "scratch copy of the project"], cwd=target,
                   check=True)
    return target
