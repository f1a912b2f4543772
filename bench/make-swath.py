#!/usr/bin/env python3
"""A satellite swath in Zarr for the swath convert benchmark: sst (4000 x 4000 float32) placed by
2-D lat/lon (float64, named in its coordinates attribute, as xarray writes a swath), 500 x 500
zlib chunks. Usage: make-swath.py OUT"""
import sys

import numcodecs
import numpy as np
import zarr

n, c = 4000, 500
g = zarr.open_group(sys.argv[1], mode="w")
i = np.arange(n)[None, :]
sst = g.create_dataset("sst", shape=(n, n), chunks=(c, c), dtype="f4", fill_value=np.nan, compressor=numcodecs.Zlib(1))
sst.attrs.update({"_ARRAY_DIMENSIONS": ["along", "across"], "coordinates": "lat lon", "units": "K"})
arrays = {}
for name, units in (("lat", "degrees_north"), ("lon", "degrees_east")):
    a = g.create_dataset(name, shape=(n, n), chunks=(c, c), dtype="f8", fill_value=None, compressor=numcodecs.Zlib(1))
    a.attrs.update({"_ARRAY_DIMENSIONS": ["along", "across"], "units": units})
    arrays[name] = a
for k in range(0, n, c):
    j = np.arange(k, k + c)[:, None]
    sst[k : k + c] = (270 + 0.001 * i + 0.002 * j).astype("f4")
    arrays["lat"][k : k + c] = 30 + 0.005 * j - 0.0002 * i + 1e-7 * (i - 2000) ** 2
    arrays["lon"][k : k + c] = -20 + 0.006 * i + 0.001 * j
zarr.consolidate_metadata(sys.argv[1])
