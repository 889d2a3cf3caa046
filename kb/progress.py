"""Progress of long runs: a bar on a terminal, plain lines in logs."""

from __future__ import annotations

import sys
import time


class Progress:
    """Called as ``progress(stage, done, total)``.

    On a terminal, one line redrawn in place; elsewhere (CI logs, files),
    a line when a stage starts, at every tenth of it, and when it ends.
    """

    WIDTH = 30

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.stage = None
        self.shown_tenth = -1
        self.started = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._end_line()
            self.stage, self.shown_tenth, self.started = stage, -1, time.perf_counter()
        total = max(total, 1)
        if self.tty:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{stage:<14} [{bar}] {done}/{total}")
            self.stream.flush()
            return
        tenth = 10 * done // total
        if tenth > self.shown_tenth:
            self.shown_tenth = tenth
            self.stream.write(f"{stage}: {done}/{total} ({100 * done // total}%, {time.perf_counter() - self.started:.1f} s)\n")
            self.stream.flush()

    def _end_line(self) -> None:
        if self.tty and self.stage is not None:
            self.stream.write("\n")

    def close(self) -> None:
        self._end_line()
        self.stage = None
