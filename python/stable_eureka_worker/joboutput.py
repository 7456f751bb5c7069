"""A job's printed output: redirected away from the worker's protocol streams in the job,
drained and bounded in the worker.

Reward code may print anything, megabytes a step or lines that look like the protocol: none of
it reaches the worker's stdout (the protocol) or stderr (its log). The supervisor keeps what a
person needs (the start, the end), writes at most LOG_CAP bytes to `<out_dir>/job_output.log`
and only counts the rest.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

MB = 1024 * 1024
OUTPUT_LOG = "job_output.log"
# A reward that prints every step makes megabytes a minute; what helps a person is its start
# (the first calls) and its end (what came before a crash). 1 MiB on disk holds ~10k lines
# of the start, 32 KiB of the end; the result carries 4 KiB, small enough for every reply
# (and a prompt) yet a few dozen lines of context.
LOG_CAP = 1 * MB
TAIL_KEEP = 32 * 1024
RESULT_TAIL = 4 * 1024
_MARK_ROOM = 512  # the "... bytes dropped ..." line in the log
READ_CHUNK = 1 * MB


def no_output() -> dict[str, Any]:
    return {"bytes": 0, "dropped": 0, "tail": "", "log": None}


def _decode_tail(data: bytes, cut: bool) -> str:
    if cut:  # the cut may split a UTF-8 character: drop its continuation bytes
        i = 0
        while i < min(3, len(data)) and 0x80 <= data[i] < 0xC0:
            i += 1
        data = data[i:]
    return data.decode("utf-8", errors="replace")


class OutputCapture:
    """A job's printed bytes, bounded: the head streamed to the log (when there is one), the
    last TAIL_KEEP bytes in memory, the rest only counted. The log ends, on close, with a line
    saying how many bytes were dropped and then the tail, so it never exceeds LOG_CAP."""

    def __init__(self, log_path: Path | None) -> None:
        self.total = 0
        self.log_path = log_path
        self._log: IO[bytes] | None = None
        self._log_failed = False
        self._on_disk = 0
        self._head_cap = LOG_CAP - TAIL_KEEP - _MARK_ROOM
        self._tail = bytearray()
        self._dropped = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        if self.log_path is not None and self._on_disk < self._head_cap:
            self._write(data[: self._head_cap - self._on_disk])
        if len(data) >= TAIL_KEEP:
            self._tail = bytearray(data[-TAIL_KEEP:])
        else:
            self._tail += data
            del self._tail[:-TAIL_KEEP]

    def _write(self, data: bytes) -> None:
        if self._log_failed or not data:
            return
        try:
            if self._log is None:  # opened on the first byte: a quiet job leaves no file
                self.log_path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
                self._log = self.log_path.open("wb")  # type: ignore[union-attr]
            self._log.write(data)
            self._on_disk += len(data)
        except OSError:
            self._log_failed = True  # a full disk loses the log, not the job

    def close(self) -> None:
        """Finish the log: the dropped-bytes line and the tail not already written."""
        unwritten = self.total - self._on_disk
        if self.log_path is None or self._log_failed:
            self._dropped = max(0, self.total - min(self.total, RESULT_TAIL))
        elif unwritten > 0:
            end = bytes(self._tail[len(self._tail) - min(unwritten, len(self._tail)) :])
            self._dropped = unwritten - len(end)
            if self._dropped:
                self._write(
                    f"\n[stable-eureka: {self._dropped} bytes of output dropped here; the job printed {self.total} bytes, "
                    f"this log keeps the first {self._on_disk} and the last {len(end)}]\n".encode()
                )
            self._write(end)
            if self._log_failed:
                self._dropped = max(0, self.total - min(self.total, RESULT_TAIL))
        if self._log is not None:
            try:
                self._log.close()
            except OSError:
                self._log_failed = True

    def tail(self, n: int = RESULT_TAIL) -> str:
        return _decode_tail(bytes(self._tail[-n:]), cut=self.total > n)

    def last_lines(self, n: int = 3, limit: int = 300) -> str:
        """The last non-empty lines, for a failure reason."""
        lines = [ln.strip() for ln in self.tail(2048).splitlines() if ln.strip()][-n:]
        text = " | ".join(lines)
        return text if len(text) <= limit else "..." + text[-limit:]

    def summary(self) -> dict[str, Any]:
        log = self.log_path if self._log is not None and not self._log_failed else None
        return {"bytes": self.total, "dropped": self._dropped, "tail": self.tail(), "log": str(log) if log else None}


def output_log(params: dict[str, Any]) -> Path | None:
    out_dir = params.get("out_dir")
    return Path(out_dir) / OUTPUT_LOG if isinstance(out_dir, str) and out_dir else None


def grow_pipe(fd: int) -> None:
    """1 MiB pipe buffer (Linux; best effort): fewer wake-ups while a job floods it."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, READ_CHUNK)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass



def redirect_output(output: Any) -> None:
    """fds 1 and 2 (and sys.stdout/stderr) to the job's output pipe, stdin to /dev/null: a
    job reaches neither the worker's protocol streams nor its log."""
    fd = output.fileno()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    output.close()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    # One line-buffered stream for both keeps their order; the objects inherited from the
    # forkserver would write to the same fds, but with their own buffers.
    stream = open(1, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    sys.stdout = sys.stderr = stream
