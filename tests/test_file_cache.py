"""The shared file cache still culls, but lists its files on one write in CULL_EVERY, not on every write."""

from common import file_cache
from config.settings.base import cache_from_env


def _cache(tmp_path, max_entries: int) -> file_cache.SharedFileCache:
    return file_cache.SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def test_a_write_lists_the_files_only_once_in_cull_every(tmp_path, monkeypatch):
    cache = _cache(tmp_path, max_entries=100_000)
    listings = []
    listed = file_cache.FileBasedCache._list_cache_files
    monkeypatch.setattr(file_cache.FileBasedCache, "_list_cache_files", lambda self: listings.append(1) or listed(self))
    for number in range(2 * file_cache.CULL_EVERY):
        cache.set(f"entry-{number}", number)
    assert len(listings) == 2
    assert cache.get("entry-7") == 7


def test_the_cache_is_still_culled_past_max_entries(tmp_path):
    cache = _cache(tmp_path, max_entries=50)
    for number in range(file_cache.CULL_EVERY + 1):  # the last write culls
        cache.set(f"entry-{number}", number)
    assert len(cache._list_cache_files()) <= file_cache.CULL_EVERY + 1 - 250


def test_filecache_urls_get_the_shared_file_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CACHE_URL", f"filecache://{tmp_path}")
    assert cache_from_env("locmemcache://")["BACKEND"] == "common.file_cache.SharedFileCache"
