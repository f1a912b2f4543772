"""Items per second, timed the way bench/rate.ts times tilecast: one warm-up call, then `reps`."""
import time


def rate(fn, batch, reps):
    fn()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return batch * reps / (time.perf_counter() - t)
