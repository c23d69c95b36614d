"""The production file cache (without Redis) culls every CULL_EVERY writes, not on each."""

from unittest import mock

from newsportal.caching.backends import files as file_cache


def test_the_directory_is_listed_once_every_cull_every_writes(tmp_path):
    cache = file_cache.OccasionallyCulledFileCache(
        str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}
    )
    with mock.patch.object(cache, "_list_cache_files", wraps=cache._list_cache_files) as listing:
        for n in range(file_cache.CULL_EVERY * 2):
            cache.set(f"key-{n}", n)
    assert listing.call_count == 2
    # Culling still happens: the directory is brought back near MAX_ENTRIES each time.
    assert len(cache._list_cache_files()) < file_cache.CULL_EVERY
    assert cache.get(f"key-{file_cache.CULL_EVERY * 2 - 1}") == file_cache.CULL_EVERY * 2 - 1


def test_values_round_trip_like_djangos_file_cache(tmp_path):
    cache = file_cache.OccasionallyCulledFileCache(str(tmp_path), {})
    assert cache.add("counter", 1)
    assert not cache.add("counter", 2)
    assert cache.incr("counter") == 2
    cache.set_many({"a": "α", "b": "β"})
    assert cache.get_many(["a", "b"]) == {"a": "α", "b": "β"}


def _count(cache, times: int) -> None:
    for _ in range(times):
        cache.add("shared-counter", 0)
        cache.incr("shared-counter")


def test_processes_counting_at_once_lose_no_count(tmp_path):
    """The rate limits' add() and incr() from four workers at once, forked from a process
    that already used the cache (gunicorn's preloaded app)."""
    import multiprocessing

    cache = file_cache.OccasionallyCulledFileCache(str(tmp_path), {})
    cache.add("shared-counter", 0)  # the parent opens its lock file before the fork
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count, args=(cache, 300)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert cache.get("shared-counter") == 1200
