#!/usr/bin/env python3
"""Cases for scripts/epsg-shift-survey.mjs: for every EPSG projected and geographic CRS of the
bundled index PROJ still lists, a point at the centre of its area of use in WGS 84 and where PROJ
(pyproj) puts it in the CRS, with the operation it used there.

Run through scripts/epsg-shift-survey.sh (needs python3-pyproj and the built package).
"""
import json
import math
import sys
import warnings

from pyproj import CRS, Transformer

warnings.filterwarnings("ignore")
index = json.load(open("node_modules/epsg-index/all.json"))
out = []
for code, e in index.items():
    if e.get("kind") not in ("CRS-PROJCRS", "CRS-GEOGCRS") or not e.get("proj4"):
        continue
    try:
        c = CRS(f"EPSG:{code}")
        if c.area_of_use is None or "deprecated" in c.name.lower():
            continue
        if c.is_geographic and len(c.axis_info) != 2:
            continue
        w, s, east, n = c.area_of_use.bounds
        east = east + 360 if east < w else east
        lon = (w + east) / 2
        lon = lon - 360 if lon > 180 else lon
        lat = (s + n) / 2
        t = Transformer.from_crs("EPSG:4326", c, always_xy=True)
        x, y = t.transform(lon, lat)
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        op = t.get_last_used_operation().description
        unit = c.axis_info[0].unit_conversion_factor
        out.append(dict(code=int(code), p=[lon, lat], xy=[x, y], unit=unit, geographic=c.is_geographic, op=op))
    except Exception:
        continue
json.dump(out, sys.stdout)
