#!/usr/bin/env python3
"""Make the appended-archive Zarr benchmark store with zarr-python: a year and a half of 5-minute
nowcast frames (150 000 steps) whose `time` coordinate is stored a value a chunk, as xarray's
appends leave it (the first write's chunk of one is kept), with zarr-python's default Blosc-LZ4;
`rr` is 150 000 x 8 x 8 float32 in 1000-step chunks. Usage: make-appended.py STORE"""
import sys

import numpy as np
import zarr

path = sys.argv[1]
n = 150_000
g = zarr.open_group(path + ".part", mode="w")
t = g.create_dataset("time", shape=(n,), chunks=(1,), dtype="<i8", fill_value=None)
t[:] = np.arange(n, dtype="<i8") * 5
t.attrs.update({"_ARRAY_DIMENSIONS": ["time"], "units": "minutes since 2025-01-01", "calendar": "proleptic_gregorian"})
for name in ("y", "x"):
    c = g.create_dataset(name, data=np.arange(8, dtype="<f8") + 0.5)
    c.attrs["_ARRAY_DIMENSIONS"] = [name]
rr = g.create_dataset("rr", shape=(n, 8, 8), chunks=(1000, 8, 8), dtype="<f4", fill_value=np.nan)
rr[:] = np.random.default_rng(1).gamma(0.5, 2.0, size=(n, 8, 8)).astype("<f4")
rr.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
zarr.consolidate_metadata(path + ".part")
import os
os.rename(path + ".part", path)
