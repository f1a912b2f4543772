#!/usr/bin/env python3
"""zarr-python side of the Zarr read benchmark: read every time step of t2m, one chunk-sized
window at a time, and print a checksum. Usage: zarr_read.py STORE"""
import sys

import numpy as np
import zarr

a = zarr.open_consolidated(sys.argv[1])["t2m"]
total = 0.0
for t in range(a.shape[0]):
    total += float(np.nansum(a[t, :, :], dtype=np.float64))
print(f"{total:.6e}")
