"""Each worker's memory of rendered HTML (newsportal/caching/memory.py): bounded in bytes,
least recently used out first, expiring."""

from newsportal.caching.memory import Memory as LocalMemo
from newsportal.caching.memory import forget_everything


def test_the_least_recently_used_entries_leave_first_when_the_bound_is_reached():
    memo = LocalMemo(max_bytes=36)  # three entries of 10 bytes and a one-letter key (2)
    memo.set("a", "A", 10)
    memo.set("b", "B", 10)
    memo.set("c", "C", 10)
    assert memo.get("a") == "A"  # now the most recently used
    memo.set("d", "D", 10)
    assert memo.get("b") is None
    assert [memo.get(key) for key in "acd"] == ["A", "C", "D"]
    assert memo.size == 36


def test_an_entry_larger_than_the_whole_memo_is_not_kept():
    memo = LocalMemo(max_bytes=20)
    memo.set("small", "s", 5)
    memo.set("huge", "h" * 100, 100)
    assert memo.get("huge") is None
    assert memo.get("small") == "s"


def test_replacing_a_key_does_not_count_it_twice():
    memo = LocalMemo(max_bytes=100)
    memo.set("k", "one", 40)
    memo.set("k", "two", 40)
    assert memo.get("k") == "two"
    assert memo.size == 42
    assert len(memo) == 1


def test_entries_expire_after_their_timeout():
    now = [1000.0]
    memo = LocalMemo(max_bytes=100, clock=lambda: now[0])
    memo.set("k", "v", 1, timeout=60)
    now[0] += 59
    assert memo.get("k") == "v"
    now[0] += 2
    assert memo.get("k") is None
    assert memo.size == 0


def test_remember_renders_once_until_forgotten():
    memo = LocalMemo(max_bytes=1000)
    calls = []

    def render():
        calls.append(1)
        return "<p>html</p>"

    assert memo.remember("key", render) == memo.remember("key", render) == "<p>html</p>"
    assert len(calls) == 1
    forget_everything()
    memo.remember("key", render)
    assert len(calls) == 2


def test_a_memo_of_zero_bytes_keeps_nothing():
    memo = LocalMemo(max_bytes=0)
    memo.set("k", "", 0)
    memo.set("j", "x", 1)
    assert memo.get("j") is None


def test_keys_count_towards_the_bound():
    """A flood of long, unique URLs (keys of {% memo %} blocks) with small values."""
    memo = LocalMemo(max_bytes=10_000)
    for n in range(1_000):
        memo.set(("memo", f"/search/?q={'x' * 200}{n}"), "", 0)
    assert memo.size <= 10_000
    assert len(memo) < 30
