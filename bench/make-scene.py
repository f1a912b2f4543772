#!/usr/bin/env python3
"""Make a benchmark scene with GDAL: a 4-band uint16 Sentinel-2-like image (smooth fields plus
noise, a nodata corner), deflate + predictor 2, 512 px tiles. Usage: make-scene.py OUT SIZE"""
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out, n = sys.argv[1], int(sys.argv[2])
ds = gdal.GetDriverByName("GTiff").Create(
    out, n, n, 4, gdal.GDT_UInt16,
    ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2", "BIGTIFF=IF_SAFER"])
ds.SetGeoTransform((600000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0))
s = osr.SpatialReference()
s.ImportFromEPSG(32633)
ds.SetProjection(s.ExportToWkt())
rng = np.random.default_rng(1)
x = np.arange(n, dtype=np.float32)
rows = 512
for b in range(4):
    band = ds.GetRasterBand(b + 1)
    band.SetNoDataValue(0)
    for y0 in range(0, n, rows):
        y = np.arange(y0, min(n, y0 + rows), dtype=np.float32)[:, None]
        field = 1000 + 400 * (b + 1) * (1 + np.sin(x / 900.0 + b) * np.cos(y / 700.0))
        field = field + rng.normal(0, 20, size=field.shape)
        field[(x[None, :] + y) < n / 8] = 0  # a nodata corner, as at a swath edge
        band.WriteArray(np.clip(field, 1, 65535).astype(np.uint16) * (field > 0), 0, y0)
ds = None
