#!/usr/bin/env python3
"""Make the Zarr benchmark stores with zarr-python: a 64 x 721 x 1440 float32 variable (an ERA5
year of 0.25-degree fields at a coarse time step), chunks 1 x 721 x 1440, zlib and blosc-lz4.
Usage: make-zarr.py OUTDIR"""
import os
import sys

import numcodecs
import numpy as np
import zarr

out = sys.argv[1]
t, h, w = 64, 721, 1440
rng = np.random.default_rng(3)
lat = np.linspace(90, -90, h)[:, None]
lon = np.linspace(0, 359.75, w)[None, :]
for name, comp in [("zlib", numcodecs.Zlib(level=1)),
                   ("blosc-lz4", numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE))]:
    path = os.path.join(out, f"era5-like.{name}.zarr")
    if os.path.exists(os.path.join(path, ".zmetadata")):
        continue
    g = zarr.open_group(path, mode="w")
    a = g.create_dataset("t2m", shape=(t, h, w), chunks=(1, h, w), dtype="<f4", compressor=comp, fill_value=np.nan)
    a.attrs["_ARRAY_DIMENSIONS"] = ["time", "latitude", "longitude"]
    for name_, vals in [("latitude", np.linspace(90, -90, h)), ("longitude", np.linspace(0, 359.75, w))]:
        c = g.create_dataset(name_, data=vals, chunks=vals.shape, compressor=None)
        c.attrs["_ARRAY_DIMENSIONS"] = [name_]
    for i in range(t):
        field = 288 - 40 * np.abs(np.sin(np.radians(lat))) + 5 * np.sin(np.radians(lon * 3 + i * 7))
        a[i] = (field + rng.normal(0, 0.2, size=(h, w))).astype(np.float32)
    zarr.consolidate_metadata(path)
