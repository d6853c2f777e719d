"""Shared by the benchmarks: the best of several runs, since these machines are noisy."""

import time


def best_of(runs, function):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
