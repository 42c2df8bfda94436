"""The per-process client cache never keeps a copy older than a committed change."""

from portal_identity.adapters.hashing import SecretHasher
from portal_identity.adapters.oauth import ClientDirectory


def counting_loads(on_load=lambda: None):
    loads = []

    def load(client_id):
        loads.append(client_id)
        on_load()
        return None, None

    return loads, load


def test_a_copy_read_while_a_change_committed_is_not_kept():
    directory = None
    loads, load = counting_loads(lambda: len(loads) == 1 and directory.invalidate("c"))
    directory = ClientDirectory(load, SecretHasher(b"pepper"), ttl=60)
    directory.get("c")
    directory.get("c")
    directory.get("c")
    assert loads == ["c", "c"]  # the first copy was stale when it arrived; the second one is kept


def test_nothing_comes_from_the_cache_while_changes_are_not_heard():
    listening = False
    loads, load = counting_loads()
    directory = ClientDirectory(load, SecretHasher(b"pepper"), ttl=60, listening=lambda: listening)
    directory.get("c")
    directory.get("c")
    assert loads == ["c", "c"]  # not listening: every request reads the database
    listening = True
    directory.get("c")
    directory.get("c")
    assert loads == ["c", "c"]  # listening: the last copy serves
