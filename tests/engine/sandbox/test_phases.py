"""The grade profile (gradekit.sandbox.phases): each second counted once, in the innermost
phase; sandbox calls under the enclosing phase's ``calls`` name; nothing without a profile."""

from __future__ import annotations

import time

from gradekit.sandbox import phases


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_nested_phases_count_their_own_time_once() -> None:
    with phases.recording("outer") as profile:
        busy(0.01)
        with phases.phase("inner"):
            busy(0.02)
            with phases.phase("inner"):  # re-entered: counted once more, time not twice
                busy(0.01)
    times = profile.times
    assert list(times) == ["outer", "inner"]
    assert times["inner"].count == 2 and times["outer"].count == 1
    assert times["inner"].wall >= 0.03
    assert 0.01 <= times["outer"].wall < times["inner"].wall
    assert times["inner"].cpu > 0


def test_sandbox_calls_are_counted_under_the_calls_name_of_the_phase() -> None:
    with phases.recording() as profile:
        with phases.phase("check", calls="student calls"):
            with phases.sandbox_call():
                busy(0.005)
            with phases.phase("race"):  # no calls name: its calls are its own
                with phases.sandbox_call():
                    busy(0.005)
        with phases.sandbox_call():
            pass
    assert profile.times["student calls"].count == 1
    assert profile.times["race"].count == 1 and profile.times["race"].wall >= 0.005
    assert set(profile.times) == {"grade", "check", "student calls", "race"}


class FakeWorker:
    def __init__(self) -> None:
        self.cpu = 0.0

    def cpu_since_ready(self) -> float:
        return self.cpu


def test_worker_cpu_is_counted_in_the_phase_open_meanwhile() -> None:
    first, second = FakeWorker(), FakeWorker()
    with phases.recording() as profile:
        phases.watch_worker(first)
        with phases.phase("calls"):
            first.cpu += 1.5
        first.cpu += 0.25
        phases.watch_worker(second)  # a restarted worker: both are counted
        with phases.phase("calls"):
            second.cpu += 1.0
        phases.add(phases.WORKER_START, 0.4, worker_cpu=0.3)
    assert profile.times["calls"].worker_cpu == 2.5
    assert profile.times["grade"].worker_cpu == 0.25
    start = profile.as_json()["phases"][phases.WORKER_START]  # type: ignore[index]
    assert start == {"wall": 0.4, "cpu": 0.0, "worker_cpu": 0.3, "count": 1}


def test_items_count_the_whole_block() -> None:
    with phases.recording() as profile:
        with phases.item("2.1"), phases.phase("check"):
            with phases.phase("calls"):
                busy(0.005)
    document = profile.as_json()
    assert document["items"]["2.1"]["wall"] >= 0.005  # type: ignore[index]
    assert document["before"]["cpu"] > 0  # type: ignore[index]


def test_without_a_profile_nothing_is_recorded() -> None:
    assert phases.active() is None
    with phases.phase("x"), phases.item("y"), phases.sandbox_call():
        pass
    assert phases.active() is None


def test_garbage_collections_during_a_recording_are_counted() -> None:
    import gc

    with phases.recording() as profile:
        gc.collect()
        gc.collect(0)
    after = profile.as_json()["collections"]
    assert after["count"] == 2 and after["seconds"] > 0
    gc.collect()  # the callback is gone with the recording
    assert profile.collections.count == 2
