"""The live progress of a class grade (``gradekit grade-class``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from gradekit.classwork.gradeclass import Progress


class ClassProgress:
    """Progress of a class grade: a bar redrawn in place on a terminal, else one plain
    line per finished submission (for logs)."""

    def __init__(self, stream: TextIO, live: bool, width: int = 24) -> None:
        self.stream = stream
        self.live = live
        self.width = width
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        last = progress.last if progress.fresh else {}
        if last and (not self.live or last.get("status") != "graded"):
            self._line(self._finished(progress, last))
        if self.live:
            self._bar(progress)
        elif not progress.last:
            self._line(f"grading {progress.total} submissions ({progress.up_to_date} up to date)")

    def close(self) -> None:
        if self.live and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def _finished(self, progress: Progress, last: dict) -> str:
        count = progress.done + progress.failed
        where = f"[{count}/{progress.total}]"
        seconds = last.get("seconds")
        took = f" in {seconds:.1f} s" if isinstance(seconds, (int, float)) else ""
        if last.get("status") == "graded":
            return (f"{where} {last['key']}: {_number(last.get('score'))}/"
                    f"{_number(last.get('max_score'))}{took}")
        return f"{where} {last['key']}: ERROR {last.get('error')}{took}"

    def _line(self, text: str) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _bar(self, progress: Progress) -> None:
        finished = progress.done + progress.failed
        filled = int(self.width * finished / progress.total) if progress.total else self.width
        eta = progress.eta
        text = (f"[{'#' * filled}{'.' * (self.width - filled)}] {progress.done} done, "
                f"{progress.failed} failed, {progress.remaining} left, "
                f"{progress.rate:.2f}/s, ETA {_clock(eta) if eta is not None else '?'}")
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self._drawn = True


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
