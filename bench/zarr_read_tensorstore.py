#!/usr/bin/env python3
"""tensorstore side of the Zarr read benchmark: read every time step of t2m, two in flight
(tensorstore's own thread pool decodes), and print the checksum zarr_read.py prints.
Usage: zarr_read_tensorstore.py STORE"""
import sys

import numpy as np
import tensorstore as ts

a = ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": sys.argv[1] + "/t2m"}}).result()
total = 0.0
pending = a[0].read()
for t in range(a.shape[0]):
    v = pending.result()
    if t + 1 < a.shape[0]:
        pending = a[t + 1].read()
    total += float(np.nansum(v, dtype=np.float64))
print(f"{total:.6e}")
