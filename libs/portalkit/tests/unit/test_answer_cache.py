"""The hot paths' answer cache: kept until a write to one of its tables is heard, never while the process
may miss one, never an answer read while a write was announced, and within its memory budget."""

import threading

import pytest

from portalkit.hot_paths import AnswerCache


class Feed:
    """What the cache uses of a change feed: whether this process hears every change, and the changes."""

    def __init__(self):
        self.listening = threading.Event()
        self.listening.set()
        self.listeners = []

    def subscribe(self, listener):
        self.listeners.append(listener)

    def write(self, table):
        for listener in self.listeners:
            listener(table)


ANSWER = (b'[{"id":"p1"}]\n', '{"total": 1}')


@pytest.fixture
def feed():
    return Feed()


def test_an_answer_is_kept_until_a_write_to_its_tables(feed):
    cache = AnswerCache(feed, frozenset({"profiles", "categories"}), budget=10_000)
    cache.keep(("q", "agenda"), ANSWER, cache.generation)
    assert cache.get(("q", "agenda")) == ANSWER
    feed.write("audit_entries")
    assert cache.get(("q", "agenda")) == ANSWER
    feed.write("categories")
    assert cache.get(("q", "agenda")) is None


@pytest.mark.parametrize("heard", [None, "*"], ids=["feed-reconnected", "unknown-table"])
def test_anything_that_may_have_changed_drops_every_answer(feed, heard):
    cache = AnswerCache(feed, frozenset({"profiles"}), budget=10_000)
    cache.keep(("page", "1"), ANSWER, cache.generation)
    feed.write(heard)
    assert cache.get(("page", "1")) is None


def test_an_answer_read_while_a_write_was_heard_is_not_kept(feed):
    """It may show the rows from before the write, and nothing would drop it afterwards."""
    cache = AnswerCache(feed, frozenset({"profiles"}), budget=10_000)
    before = cache.generation
    feed.write("profiles")
    cache.keep(("q", "agenda"), ANSWER, before)
    assert cache.get(("q", "agenda")) is None
    cache.keep(("q", "agenda"), ANSWER, cache.generation)
    assert cache.get(("q", "agenda")) == ANSWER


def test_nothing_is_kept_or_served_while_the_process_may_miss_a_write(feed):
    cache = AnswerCache(feed, frozenset({"profiles"}), budget=10_000)
    cache.keep(("q", "kept"), ANSWER, cache.generation)
    feed.listening.clear()
    assert cache.get(("q", "kept")) is None
    cache.keep(("q", "new"), ANSWER, cache.generation)
    feed.listening.set()
    assert cache.get(("q", "new")) is None


def test_the_least_recently_used_answers_leave_when_the_budget_is_full(feed):
    size = len(ANSWER[0]) + len(ANSWER[1])
    cache = AnswerCache(feed, frozenset({"profiles"}), budget=3 * size)
    for page in "123":
        cache.keep(("page", page), ANSWER, cache.generation)
    assert cache.get(("page", "1")) == ANSWER  # now the most recently used
    cache.keep(("page", "4"), ANSWER, cache.generation)
    assert cache.get(("page", "2")) is None
    assert [cache.get(("page", page)) for page in "134"] == [ANSWER] * 3
    cache.keep(("huge",), (b"x" * 4 * size, "{}"), cache.generation)
    assert cache.get(("huge",)) is None and cache.get(("page", "1")) == ANSWER
