"""Many sessions at once with real processes: nothing lost, every session sees every change.
(The full run, 20 processes for a minute with latency figures, is bench/many_sessions.py.)"""

from __future__ import annotations

from bench.many_sessions import run_sessions


def test_six_processes_mixing_reads_and_writes_lose_nothing(demo_db):
    result = run_sessions(demo_db, processes=6, seconds=8)
    assert result.errors == []
    assert len(result.written) == 6 and all(result.written.values())
    assert result.lost() == set()
    assert not result.duplicated()
    assert result.blind_sessions() == []
    assert len(result.seen) == 6
    # Read-modify-write under the lock: every increment from every process counted once.
    assert result.increments > 0 and result.counter == result.increments
