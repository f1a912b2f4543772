#!/usr/bin/env python3
"""xarray side of the appended-archive Zarr benchmark: open_zarr, which loads and decodes the
time coordinate's 150 000 one-value chunks into its index, timed inside the process, printed as
{"chunksPerSec": ...}. Usage: zarr_open.py STORE"""
import json
import sys
import time

import xarray as xr

t0 = time.perf_counter()
ds = xr.open_zarr(sys.argv[1])
times = ds.indexes["time"]
s = time.perf_counter() - t0
assert len(times) == 150_000 and str(times[-1]).startswith("2026-06-05"), times[-1]
print(json.dumps({"chunksPerSec": len(times) / s, "seconds": s}))
