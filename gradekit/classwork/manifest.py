"""The class grade's manifest: what was graded from which files, against which checks.

``OUT/manifest.json`` is rewritten atomically after every submission, so an interrupted
class grade resumes where it stopped and a rerun grades only what changed: a submission
whose digest (:func:`gradekit.classwork.inbox.tree_digest`) or whose grading digest
(:func:`grading_digest`: the check files, the reference, the support files,
``assignment.toml`` and the settings that change a grade) differs from the one recorded.

Per submission it records the digests, the outcome (``graded`` or ``error``), the score,
the time, and ``grades``: how many times the submission was graded into this folder,
over every run. Each run appends a line to ``runs``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from gradekit import __version__
from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.zips import write_atomically

MANIFEST_NAME = "manifest.json"
_ENGINE = Path(__file__).resolve().parents[1]
FORMAT = 1
GRADED, ERROR = "graded", "error"


class Manifest:
    """``OUT/manifest.json`` in memory; :meth:`record` writes it through."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / MANIFEST_NAME
        self.warnings: list[str] = []
        self.data: dict[str, Any] = {"format": FORMAT, "submissions": {}, "runs": []}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(
                        data.get("submissions"), dict):
                    raise ValueError("not a gradekit manifest of this format")
                self.data = data
                self.data.setdefault("runs", [])
            except (OSError, UnicodeDecodeError, ValueError) as error:
                aside = self.path.with_name(MANIFEST_NAME + ".unreadable")
                os.replace(self.path, aside)
                self.warnings.append(f"{self.path}: unreadable ({error}); moved to {aside.name}, "
                                     "every submission is graded again")

    @property
    def submissions(self) -> dict[str, dict[str, Any]]:
        return self.data["submissions"]

    def entry(self, key: str) -> dict[str, Any] | None:
        return self.submissions.get(key)

    def up_to_date(self, key: str, digest: str, grading: str, retry_errors: bool,
                   out_dir: Path) -> bool:
        """True when ``key`` was graded from these files against these checks (and its
        results are still there); an error counts only without ``retry_errors``."""
        entry = self.entry(key)
        if entry is None or entry.get("digest") != digest or entry.get("grading") != grading:
            return False
        if entry.get("status") == ERROR and retry_errors:
            return False
        return (Path(out_dir) / key / "results.json").is_file()

    def record(self, key: str, **fields: Any) -> dict[str, Any]:
        """Note a finished grade of ``key`` and write the manifest."""
        entry = self.submissions.setdefault(key, {"grades": 0})
        entry.update(fields)
        entry["grades"] = int(entry.get("grades", 0)) + 1
        entry["graded_at"] = now()
        self.save()
        return entry

    def start_run(self, **fields: Any) -> dict[str, Any]:
        run = {"started": now(), **fields}
        self.data["runs"].append(run)
        self.save()
        return run

    def save(self) -> None:
        """Write atomically: a temporary file beside it, flushed, then renamed over it."""
        write_atomically(self.path, json.dumps(self.data, indent=1, ensure_ascii=False) + "\n")


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def grading_digest(assignment: Assignment, settings: dict[str, Any],
                   leave_out: tuple[Path, ...] = ()) -> str:
    """SHA-256 of what decides a grade besides the submission: ``assignment.toml``, the
    check files, the reference, the support files (as intake copies them), the engine's
    version and ``settings`` (seed, public only). ``leave_out``: folders never hashed
    (the class grade's output and the submissions, when they sit inside the support
    folder)."""
    grading = assignment.grading
    if grading is None:
        raise UserError(f"{assignment.path}: missing table [grading]")
    digest = hashlib.sha256()
    digest.update(json.dumps({"engine": __version__, **settings}, sort_keys=True).encode())
    digest.update(b"\0toml\0" + Path(assignment.path).read_bytes())
    checks = [p for p in (grading.checks, grading.public_checks) if p is not None]
    trees = [("checks", path) for path in checks]
    if not settings.get("public_only") and grading.reference_root is not None:
        trees.append(("reference", grading.reference_root))
    skip = {Path(p).resolve() for p in (*checks, grading.reference_root, _ENGINE, *leave_out)
            if p is not None}
    for label, root in trees:
        _hash_tree(digest, label, Path(root), set())
    _hash_tree(digest, "support", Path(grading.support_root), skip, set(grading.submit))
    return digest.hexdigest()


def _hash_tree(digest: hashlib._Hash, label: str, root: Path, skip: set[Path],
               submitted: set[str] | None = None) -> None:
    """Hash the files under ``root`` the way the grade sees them: hidden files, caches,
    links and (for support files) the submitted paths and files over 16 MB left out."""
    digest.update(f"\0{label}\0".encode())
    if root.is_file():
        digest.update(root.name.encode() + b"\0" + root.read_bytes())
        return
    if not root.is_dir():
        digest.update(b"absent")
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and (here / d).resolve() not in skip)
        for name in sorted(files):
            path = here / name
            relative = path.relative_to(root).as_posix()
            if name.startswith(".") or path.is_symlink() or name.endswith((".pyc", "~")):
                continue
            if submitted is not None and (relative in submitted
                                          or path.stat().st_size > 16 << 20):
                continue
            digest.update(PurePosixPath(relative).as_posix().encode() + b"\0")
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\n")
