"""A job's process tree as its supervisor sees it (jobs.py): how much memory it holds, and
ending all of it at once."""

from __future__ import annotations

import psutil

MB = 1024 * 1024


class ProcessTree:
    """A job's process and its children, for their memory. Listing the children walks all of
    /proc (about 1 ms); a job rarely has any (its sandbox forbids new processes where the host
    allows it), so the list is refreshed every 2 s and the sizes read every check."""

    LIST_EVERY_S = 2.0

    def __init__(self, root: psutil.Process) -> None:
        self._root = root
        self._procs = [root]
        self._listed_at = -self.LIST_EVERY_S

    @classmethod
    def of(cls, pid: int) -> ProcessTree | None:
        """The tree of a running process; None when it is already gone."""
        try:
            return cls(psutil.Process(pid))
        except psutil.Error:
            return None

    def rss_mb(self, now: float) -> float:
        """Resident memory of the tree, in MB; `now`: the caller's clock, for the list's age."""
        if now - self._listed_at >= self.LIST_EVERY_S:
            self._listed_at = now
            try:
                self._procs = [self._root] + self._root.children(recursive=True)
            except psutil.Error:
                return 0.0
        total = 0
        for p in self._procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass  # a child that exited since the list was made
        return total / MB


def kill_tree(pid: int) -> None:
    """SIGKILL to the process and every process under it."""
    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
