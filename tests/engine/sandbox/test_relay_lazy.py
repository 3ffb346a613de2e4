"""Which parts of a relayed call's result stay in the worker until read (relay.lazy)."""

from __future__ import annotations

import numpy as np

from gradekit.sandbox import relay


def kept_by(store: list):
    def keep(value):
        store.append(value)
        return f"handle {len(store)}"
    return keep


def test_a_batch_normalization_cache_stays_and_the_output_crosses() -> None:
    out = np.ones((4, 5))
    cache = {"xc": out, "var": np.ones(5), "eps": 1e-5, "std": np.ones(5),
             "inv_std": np.ones(5), "xhat": out, "gamma": np.ones(5)}  # 6 arrays
    store: list = []
    sent = relay.lazy((out, cache), kept_by(store))
    assert sent[0] is out
    assert sent[1] == {relay.LAZY: "handle 1"} and store == [cache]


def test_small_caches_and_the_result_itself_cross_whole() -> None:
    x, w, b = np.ones((4, 5)), np.ones((5, 3)), np.ones(3)
    four = {f"W{i}": w for i in range(4)}
    five = {f"W{i}": w for i in range(5)}
    store: list = []
    assert relay.lazy((x, (x, w, b)), kept_by(store)) == (x, (x, w, b))
    assert relay.lazy((x, four), kept_by(store)) == (x, four)
    assert relay.lazy(five, kept_by(store)) == five and store == []  # never the top level
    assert relay.lazy((x, five), kept_by(store)) == (x, {relay.LAZY: "handle 1"})
    assert store == [five]


def test_the_threshold_counts_arrays_at_any_depth() -> None:
    a = np.zeros(2)
    nested = ((a, a), [a, {"k": a}])  # 4 arrays: crosses
    more = ((a, a), [a, {"k": a, "j": a}])  # 5 arrays: stays
    store: list = []
    assert relay.lazy((a, nested), kept_by(store))[1] == nested
    assert relay.lazy((a, more), kept_by(store))[1] == {relay.LAZY: "handle 1"}
    assert relay.LAZY_LEAVES == 4
