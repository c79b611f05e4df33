"""Peak memory of a command's whole process tree, for the benchmarks (bench_limits, bench_scale).

The peak of the *sum* of resident memory over the command and every process it starts
(workers, fork servers), sampled from /proc every 20 ms: what the machine must hold at once.
The largest single process (``ru_maxrss``) understates it as soon as a build starts workers.
Also the CPU seconds of the whole tree (each process's own user + system time, last seen), which on a
shared machine says more about the work done than the wall time does.
"""

from __future__ import annotations

import os
import threading

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
_TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_kb(root: int, cpu: dict[int, float] | None = None) -> int:
    """Resident memory of ``root`` and all its descendants, in KB; each one's CPU seconds into ``cpu``."""
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * _PAGE_KB
            if cpu is not None:
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime, not the children's
        except (OSError, IndexError, ValueError):
            pass  # ended between the listing and the read
    return total


class TreeSampler:
    """Samples the tree under ``pid`` until stopped; ``peak_mib`` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.cpu: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid, self.cpu))
            self._done.wait(self.interval)

    def stop(self) -> float:
        """Stop sampling; the peak in MiB."""
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of every process seen (up to its last sample: a worker's last 20 ms may be missed)."""
        return sum(self.cpu.values())
