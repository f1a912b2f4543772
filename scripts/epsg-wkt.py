#!/usr/bin/env python3
"""Derive src/grid/epsg-wkt.ts: WKT 1 (GDAL's dialect) of the projected and geographic EPSG CRSs
whose entry in the bundled epsg-index has a PROJ string but no WKT (NTF (Paris) / Lambert zones,
Krovak, MGI (Ferro) and the rest), from PROJ's database through GDAL, which writes the axes
of a northing-first CRS as pyproj's WKT 1 does not.

tilecast writes a CRS's WKT in a Zarr store's `crs_wkt`; without one, the PROJ string's WKT
named nothing of the CRS, and pyproj (rioxarray) took it for another CRS than its EPSG code.

Run: /usr/bin/python3 scripts/epsg-wkt.py > src/grid/epsg-wkt.ts (needs python3-gdal and
node_modules).
"""
import json
import os

from osgeo import gdal, osr

gdal.UseExceptions()

INDEX = "node_modules/epsg-index/s"
rows = []
for name in sorted((n for n in os.listdir(INDEX) if n.split(".")[0].isdigit()), key=lambda n: int(n.split(".")[0])):
    with open(os.path.join(INDEX, name)) as f:
        text = f.read().strip()
    if not text:
        continue
    entry = json.loads(text)
    if entry.get("wkt") or not entry.get("proj4") or entry.get("kind") not in ("CRS-PROJCRS", "CRS-GEOGCRS"):
        continue
    code = int(name.split(".")[0])
    srs = osr.SpatialReference()
    try:
        srs.ImportFromEPSG(code)
        wkt = srs.ExportToWkt()  # WKT 1, GDAL's dialect (WKT 2 for a CRS WKT 1 cannot hold)
    except RuntimeError:
        continue
    if wkt:
        rows.append(f"  {code}: {json.dumps(wkt)},")

print(f"""/**
 * WKT 1 of the EPSG CRSs the bundled epsg-index gives a PROJ string but no WKT for: code -> WKT.
 * Generated from PROJ {".".join(map(str, (osr.GetPROJVersionMajor(), osr.GetPROJVersionMinor(), osr.GetPROJVersionMicro())))}'s database by scripts/epsg-wkt.py; do not edit.
 */
export const EPSG_WKT: Readonly<Record<number, string>> = {{""")
print("\n".join(rows))
print("};")
