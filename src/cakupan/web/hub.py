"""One warehouse, many readers: the server's single DuckDB database, a snapshot per request,
one writer at a time, and a cache of computed results that any write invalidates."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager

import ibis

from cakupan.settings import Settings
from cakupan.warehouse import DuckDBWarehouse, open_warehouse


class Hub:
    """The warehouse of one server process.

    DuckDB admits one process on a file; inside it, every cursor reads a consistent snapshot
    while another cursor writes. So the server opens the file once, gives every request its
    own cursor (pages keep loading during an import), and runs writes one at a time on the
    job thread. ``generation`` counts the writes: cached results of an older generation are
    never served.
    """

    def __init__(self, settings: Settings, cache_size: int = 512):
        if settings.engine != "duckdb":
            raise ValueError("cakupan serve reads the DuckDB warehouse: start it without --engine spark")
        self.settings = settings
        self.base = open_warehouse(settings, purpose="cakupan serve (aplikasi web)")
        self._raw = self.base.con.con
        self._cursor_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.generation = 0
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()
        self._inflight: dict = {}
        # at most one computation per core at a time: a burst of cache misses queues instead of
        # running dozens of warehouse scans at once (memory, and no faster on two cores)
        self._slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
        self.cache_size = cache_size
        self.hits = self.misses = 0

    def _view(self) -> DuckDBWarehouse:
        with self._cursor_lock:
            cursor = self._raw.cursor()
        return DuckDBWarehouse.on_connection(self.settings, ibis.duckdb.from_connection(cursor))

    @contextmanager
    def reader(self):
        """A warehouse on its own snapshot, for one request; opened on first use, so a request
        answered from the cache never touches the engine."""
        wh = _Lazy(self._view)
        try:
            yield wh
        finally:
            wh.close()

    @contextmanager
    def writer(self):
        """The one writer: waits for any other write, invalidates the cache afterwards."""
        with self._write_lock:
            wh = self._view()
            try:
                yield wh
            finally:
                wh.close()
                self.invalidate()

    def invalidate(self) -> None:
        with self._cache_lock:
            self.generation += 1
            self._cache.clear()

    def cached(self, key: tuple, compute):
        """``compute()`` once per ``key`` and warehouse generation (every time when the cache
        size is 0)."""
        if self.cache_size <= 0:
            return compute()
        with self._cache_lock:
            gen = self.generation
            if (gen, key) in self._cache:
                self.hits += 1
                self._cache.move_to_end((gen, key))
                return self._cache[(gen, key)]
            # one computation per key: concurrent misses wait for the first instead of repeating it
            flight = self._inflight.setdefault((gen, key), threading.Lock())
        with flight:
            with self._cache_lock:
                if (gen, key) in self._cache:
                    self.hits += 1
                    return self._cache[(gen, key)]
            try:
                with self._slots:
                    value = compute()
            finally:
                with self._cache_lock:
                    self._inflight.pop((gen, key), None)
            with self._cache_lock:
                self.misses += 1
                if gen == self.generation:
                    self._cache[(gen, key)] = value
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return value

    def close(self) -> None:
        self.base.close()


class _Lazy:
    """A warehouse opened on first use."""

    def __init__(self, open_):
        self._open, self._wh = open_, None

    def __getattr__(self, name):
        if self._wh is None:
            self._wh = self._open()
        return getattr(self._wh, name)

    def close(self) -> None:
        if self._wh is not None:
            self._wh.close()
