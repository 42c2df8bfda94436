"""The senders' loop: work until nothing is due, then sleep until woken or the poll; it survives failures."""

import threading

from portalkit.worker import due_work_loop


def test_a_wake_up_runs_the_work_at_once_without_waiting_for_the_poll():
    calls, wakers = [], []
    stop = threading.Event()

    def send_due() -> int:
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        return 0

    loop = due_work_loop("test sender", send_due, wakers.append, poll_seconds=60)
    thread = threading.Thread(target=loop, args=(stop,))
    thread.start()
    while not calls:
        pass
    wakers[0]()  # new work recorded: the loop must not sleep its 60 s
    thread.join(timeout=5)
    assert not thread.is_alive() and len(calls) == 2


def test_a_failing_round_is_logged_and_the_loop_goes_on(caplog):
    stop, rounds = threading.Event(), []

    def send_due() -> int:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database away")
        stop.set()
        return 1

    due_work_loop("test sender", send_due, lambda wake: None, poll_seconds=0.01)(stop)
    assert len(rounds) == 2 and "test sender failed" in caplog.text
