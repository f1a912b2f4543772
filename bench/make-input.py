#!/usr/bin/env python3
"""Make a benchmark GeoTIFF with GDAL: smooth float32 fields plus noise, deflate + predictor 3,
256 px tiles (as a weather or EO product would be). Usage: make-input.py OUT SIZE"""
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out, n = sys.argv[1], int(sys.argv[2])
ds = gdal.GetDriverByName("GTiff").Create(
    out, n, n, 1, gdal.GDT_Float32,
    ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"])
ds.SetGeoTransform((-180.0, 360.0 / n, 0.0, 90.0, 0.0, -180.0 / n))
s = osr.SpatialReference()
s.ImportFromEPSG(4326)
ds.SetProjection(s.ExportToWkt())
band = ds.GetRasterBand(1)
band.SetNoDataValue(float("nan"))
rng = np.random.default_rng(1)
x = np.arange(n, dtype=np.float32)
rows = 1024
for y0 in range(0, n, rows):
    y = np.arange(y0, min(n, y0 + rows), dtype=np.float32)[:, None]
    field = 280 + 20 * np.sin(x / 700.0) * np.cos(y / 500.0) + 5 * np.sin((x + y) / 90.0)
    noise = rng.normal(0, 0.05, size=field.shape).astype(np.float32)
    band.WriteArray((field + noise).astype(np.float32), 0, y0)
ds = None
