#!/usr/bin/env python3
"""tensorstore side of the one-step Zarr benchmark (bench/zarr-step.mjs reads the same steps in
the same order): single time steps of t2m, one at a time with a pause between, without a cache,
and the median read's rate as {"readsPerSec": ...}. Usage: zarr_step_tensorstore.py STORE"""
import json
import sys
import time

import tensorstore as ts

a = ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": sys.argv[1] + "/t2m"}}).result()
n = a.shape[0]
ms = []
for i in range(2 * n):
    time.sleep(0.005)
    t0 = time.perf_counter()
    a[(i * 37) % n].read().result()
    ms.append((time.perf_counter() - t0) * 1000)
ms.sort()
median = ms[len(ms) // 2]
print(json.dumps({"readsPerSec": 1000 / median, "medianMs": median}))
