import gc
import os
import signal

import pytest

from linkage.memory import collect_garbage, give_back_memory


class _SignalsWhenCollected:
    """An object in a reference cycle whose finaliser sends this process a signal, as if Ctrl-C
    came while the collection runs it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.me = self

    def __del__(self) -> None:
        os.kill(os.getpid(), self.signum)


def test_a_ctrl_c_during_the_collection_is_not_lost():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Spark, say, may have set its own
    try:
        gc.collect()
        _SignalsWhenCollected(signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            collect_garbage()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_signal_held_goes_to_the_handler_it_was_for():
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        gc.collect()
        _SignalsWhenCollected(signal.SIGTERM)
        collect_garbage()
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_giving_back_memory_collects_cycles():
    gc.collect()
    _Cycle()
    assert [o for o in gc.get_objects() if isinstance(o, _Cycle)]
    give_back_memory()
    assert not [o for o in gc.get_objects() if isinstance(o, _Cycle)]
