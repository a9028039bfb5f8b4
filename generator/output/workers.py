"""The formatter's worker processes: one pool for a whole run, so that work handed over while the
rest of the run renders (`Workers.submit`) and work handed over later share the same workers,
and the results are read in order once they are needed (`Workers.results`).

A pool is worth its start only for many items; fewer are done here and now. A worker that dies
(out of memory under a limit, killed) breaks the pool: what it had not returned is done here.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

from ..children import signals_stay_with_main_thread

PARALLEL_MIN = 24  # below this many items a process pool costs more than it saves


def _worker_gc() -> None:
    """Black's syntax trees are full of parent-pointer cycles: collect them, but less often
    than the default (it spends a quarter of its time in the collector otherwise), and only
    among the worker's own objects."""
    import gc

    gc.freeze()  # what the fork inherited is never garbage here: scanning it would copy every page
    gc.set_threshold(50_000, 20, 20)
    gc.enable()


@dataclass
class Batch:
    """Items handed to `fn`: each one's future in the pool, or its result when done here."""

    fn: Callable[[Any], Any] | None  # None: nothing left to run
    items: list[Any]
    futures: list[Future[Any]] | None  # None: `done` holds every result
    done: list[Any]

    @staticmethod
    def done_now(results: list[Any]) -> Batch:
        """A batch whose results are known already."""
        return Batch(None, results, None, results)


class Workers:
    def __init__(self, workers: int, started: Callable[[], None] | None = None):
        self.workers = workers
        self.started = started  # called once, when the workers exist
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def submit(self, fn: Callable[[Any], Any], items: list[Any]) -> Batch:
        """Start `fn` over `items` (callers put the largest first: a big item handed out last
        would leave the other workers idle at the end); returns at once when workers take them."""
        if len(items) >= PARALLEL_MIN and self.workers >= 2 and not self._broken:
            # workers are forked: they inherit a disabled collector (see cli.entry) and must not keep it
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_gc)
            try:
                with signals_stay_with_main_thread():  # the pool's threads start with the first item
                    futures = [self._pool.submit(fn, item) for item in items]
            except BrokenProcessPool:
                self._broken = True
            else:
                if self.started is not None:
                    self.started()  # the workers exist now
                    self.started = None
                return Batch(fn, items, futures, [])
        return Batch.done_now([fn(item) for item in items])

    def results(self, batch: Batch, each: Callable[[Any], None] | None = None) -> list[Any]:
        """`batch`'s results in order; `each` sees every one as it arrives, so the caller's own
        work on it (keeping it in the cache) overlaps the workers' instead of following."""
        out = []
        for i, item in enumerate(batch.items):
            if batch.futures is None or batch.fn is None:
                result = batch.done[i]
            else:
                try:
                    result = batch.futures[i].result()
                except BrokenProcessPool:
                    self._broken = True
                    result = batch.fn(item)
            out.append(result)
            if each is not None:
                each(result)
        return out

    def close(self) -> None:
        """Stop the workers: what was not started is dropped, what runs is waited for."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

