#!/usr/bin/env python3
"""GDAL side of the remote-open benchmark: open N GeoTIFFs with /vsicurl/ over a server that
answers each request after DELAY ms (bench/latency-server.mjs) and read a 256 x 256 window of
each, one after another, with its transform, CRS and nodata (what tilecast's open gives: GDAL
looks for its sidecars when they are first asked for); prints {"opensPerSec": ...}. GDAL's own settings apply
(GDAL_DISABLE_READDIR_ON_OPEN from the environment). Usage: remote_open.py FILE DELAY_MS N"""
import json
import subprocess
import sys
import time

from osgeo import gdal

gdal.UseExceptions()
file, delay, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
server = subprocess.Popen(["node", "bench/latency-server.mjs", file, delay], stdout=subprocess.PIPE)
port = json.loads(server.stdout.readline())["port"]
t0 = time.perf_counter()
for i in range(n):
    ds = gdal.Open(f"/vsicurl/http://127.0.0.1:{port}/scene-{i}.tif")
    # What tilecast's open gives, and a job needs to write georeferenced outputs.
    ds.GetGeoTransform(), ds.GetProjection(), ds.GetRasterBand(1).GetNoDataValue()
    ds.ReadAsArray(0, 0, 256, 256)
    ds = None
s = time.perf_counter() - t0
server.kill()
print(json.dumps({"opensPerSec": n / s, "seconds": s}))
