"""The cache the processes of one host share when there is no Redis: files under var/cache/.

Django's FileBasedCache lists every file of the cache on every write, to decide whether to cull, so each
write costs more as the cache grows (milliseconds once it holds tens of thousands of entries, and a
write renews a version token for every scope it changes). This one decides on one write in CULL_EVERY;
between two, the cache may pass max_entries by at most that many entries per process.
"""

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500


class SharedFileCache(FileBasedCache):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writes_since_cull = 0

    def _cull(self) -> None:
        self._writes_since_cull = (self._writes_since_cull + 1) % CULL_EVERY
        if self._writes_since_cull == 1:
            super()._cull()
