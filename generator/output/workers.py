"""The formatter's worker processes: one pool for a whole run, so that work handed over while the
rest of the run renders (`Workers.submit`) and work handed over later share the same workers,
and the results are read in order once they are needed (`Workers.results`).

Items go to the workers in groups, not one by one: each item handed over costs a round trip
through the parent's feeder thread, which waits for the CPU (and the GIL) while the parent
renders and writes, and a worker with no item queued sits idle meanwhile (thousands of small
items left each worker idle about 2 s of a 13 s cold run). Groups shrink as the work left
shrinks (guided self-scheduling), so the workers still finish together.

A pool is worth its start only for many items; fewer are done here and now, unless the
caller asks for one worker even then (`few`: black, whose import alone costs the caller 75 ms).
A worker that dies (out of memory under a limit, killed) breaks the pool: what it had not
returned is done here.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..children import signals_stay_with_main_thread, spawning

PARALLEL_MIN = 24  # below this many items a process pool costs more than it saves
_SHARE = 4  # a group holds at most 1/(_SHARE * workers) of the work not yet grouped


def _worker_gc() -> None:
    """Black's syntax trees are full of parent-pointer cycles: collect them, but less often
    than the default (it spends a quarter of its time in the collector otherwise), and only
    among the worker's own objects."""
    import gc

    gc.freeze()  # what the fork inherited is never garbage here: scanning it would copy every page
    gc.set_threshold(50_000, 20, 20)
    gc.enable()


def _run_group(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [fn(item) for item in items]


def groups(weights: list[int], workers: int, least: int = 1) -> list[tuple[int, int]]:
    """[start, stop) ranges cutting items (largest first) into groups: each at least `least` in
    weight (the last excepted) and at most about 1/(_SHARE * workers) of the weight not yet
    grouped, so early groups are big (few round trips) and the last ones small (no worker
    left alone with a big one at the end)."""
    out: list[tuple[int, int]] = []
    left = sum(weights)
    start = held = 0
    for i, w in enumerate(weights):
        held += w
        if held >= max(left / (_SHARE * workers), least) or i == len(weights) - 1:
            out.append((start, i + 1))
            left -= held
            start, held = i + 1, 0
    return out


@dataclass
class Batch:
    """Items handed to `fn`: each group's future in the pool, or every result when done here."""

    fn: Callable[[Any], Any] | None  # None: nothing left to run
    items: list[Any]
    futures: list[tuple[int, int, Future[list[Any]]]] | None  # (start, stop, future); None: `done` holds every result
    done: list[Any]

    @staticmethod
    def done_now(results: list[Any]) -> Batch:
        """A batch whose results are known already."""
        return Batch(None, results, None, results)


class Workers:
    """`few`: a handful of items goes to one worker too, not to the caller's process (whose own
    work then goes on beside it: black's import alone is 75 ms)."""

    def __init__(self, workers: int, started: Callable[[], None] | None = None, few: bool = False):
        self.workers = workers
        self.started = started  # called once, when the workers exist
        self.few = few
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def wanted(self, count: int) -> bool:
        """Whether `count` items go to the workers (fewer are done in the caller's process)."""
        return (count >= PARALLEL_MIN or (self.few and count > 0)) and self.workers >= 2 and not self._broken

    def prepare(self, count: int) -> None:
        """Start the workers now when `count` items will want them: a caller that submits from
        a helper thread calls this first, from the main thread, so that the workers are forked
        from it (a fork from a helper thread copies whatever lock the main thread holds then)."""
        if self.wanted(count) and self._pool is None:
            try:
                self._pool_now(count)
            except BrokenProcessPool:
                self._broken = True

    def _pool_now(self, count: int) -> ProcessPoolExecutor:
        if self._pool is None:
            # as many workers as the first hand-over can use: one for a few items (a warm run's)
            workers = self.workers if count >= PARALLEL_MIN else 1
            # workers are forked: they inherit a disabled collector (see cli.entry) and must not keep it
            with spawning(), signals_stay_with_main_thread():  # the pool's threads start with its first item
                self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_gc)
                self._pool.submit(int)  # a fork-context pool forks every worker on its first item
            if self.started is not None:
                self.started()  # the workers exist now
                self.started = None
        return self._pool

    def submit(self, fn: Callable[[Any], Any], items: list[Any], weights: list[int] | None = None, least: int = 1) -> Batch:
        """Start `fn` over `items` (callers put the largest first: a big item handed out last
        would leave the other workers idle at the end), in groups by `weights` (1 each when
        not given; see `groups`); returns at once when workers take them."""
        if self.wanted(len(items)):
            try:
                pool = self._pool_now(len(items))
                with signals_stay_with_main_thread():
                    cuts = groups(weights or [1] * len(items), self.workers, least)
                    futures = [(a, b, pool.submit(_run_group, fn, items[a:b])) for a, b in cuts]
            except BrokenProcessPool:
                self._broken = True
            else:
                return Batch(fn, items, futures, [])
        return Batch.done_now([fn(item) for item in items])

    def results(self, batch: Batch, each: Callable[[Any], None] | None = None) -> list[Any]:
        """`batch`'s results in order; `each` sees every one as it arrives, so the caller's own
        work on it (keeping it in the cache) overlaps the workers' instead of following."""
        out: list[Any] = []
        for part in self._parts(batch):
            out.extend(part)
            if each is not None:
                for result in part:
                    each(result)
        return out

    def _parts(self, batch: Batch) -> Iterator[list[Any]]:
        """The results group by group, each as soon as it is there."""
        if batch.futures is None or batch.fn is None:
            yield batch.done
            return
        for a, b, future in batch.futures:
            try:
                yield future.result()
            except BrokenProcessPool:
                self._broken = True
                yield _run_group(batch.fn, batch.items[a:b])

    def close(self) -> None:
        """Stop the workers: what was not started is dropped, what runs is waited for."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

