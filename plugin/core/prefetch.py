"""Read the next tile in a background thread while the current one is computed.

GDAL reads and ONNX Runtime runs release the GIL, so reading tile k+1 during the
model run of tile k hides most of the read time. One worker thread reads the
tiles in order, so its reads never overlap each other; a caller that also reads
the same datasets itself meanwhile must serialise those reads (ModalityStack
does, with a lock). Memory: one batch of tiles more than without prefetching.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Generic, Sequence, TypeVar

from rasterio.windows import Window

T = TypeVar("T")


def _key(w: Window) -> tuple:
    return (int(w.col_off), int(w.row_off), int(w.width), int(w.height))


class Prefetcher(Generic[T]):
    """``ahead(windows)`` queues reads; ``get(window)`` returns one (read now when it was not queued)."""

    def __init__(self, read: Callable[[Window], T]) -> None:
        self.read = read
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terraprompt-read")
        self._pending: dict[tuple, Future] = {}

    def ahead(self, windows: Sequence[Window]) -> None:
        """Queue reads of these windows (run_tiled's ``prefetch`` hook)."""
        for w in windows:
            k = _key(w)
            if k not in self._pending:
                self._pending[k] = self._pool.submit(self.read, w)

    def get(self, w: Window) -> T:
        """The read of ``w``: the queued result (errors re-raised here), else read in the worker now."""
        fut = self._pending.pop(_key(w), None) or self._pool.submit(self.read, w)
        return fut.result()

    def close(self) -> None:
        """Drop queued reads and wait for the running one (before the datasets are closed)."""
        for fut in self._pending.values():
            fut.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> "Prefetcher[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
