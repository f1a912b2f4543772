#!/usr/bin/env python3
"""GDAL side of the GeoTIFF read benchmark: the whole raster in 512-row strips with
ReadAsArray (GDAL_NUM_THREADS from the environment), and a checksum. Usage: geotiff_read.py FILE"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
band = ds.GetRasterBand(1)
w, h = ds.RasterXSize, ds.RasterYSize
total = 0.0
for y in range(0, h, 512):
    a = band.ReadAsArray(0, y, w, min(512, h - y))
    total += float(np.nansum(a, dtype=np.float64))
print(f"{total:.6e}")
