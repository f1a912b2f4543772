#!/usr/bin/env python3
"""xarray side of the swath convert benchmark: the swath store (sst and its 2-D lat/lon) written
to a new store with what tilecast writes: blosc-zstd level 5 with shuffle, 256 x 256 chunks.
Usage: swath_convert.py IN OUT"""
import shutil
import sys

import numcodecs
import xarray as xr

src, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
ds = xr.open_zarr(src, chunks=None)
c = numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
enc = {v: {"compressor": c, "chunks": (256, 256)} for v in ("sst", "lat", "lon")}
ds.to_zarr(out, encoding=enc, consolidated=True)
