#!/usr/bin/env python3
"""Derive src/grid/ellipsoids.ts: every EPSG ellipsoid's name, semi-major axis in metres and
inverse flattening (0 for a sphere), from PROJ's database through pyproj.

A GeoTIFF may name its ellipsoid by EPSG code alone (`GeogEllipsoidGeoKey`, no axis keys);
tilecast reads the axes from this table.

Run: /usr/bin/python3 scripts/ellipsoids.py > src/grid/ellipsoids.ts (needs python3-pyproj).
"""
import pyproj
from pyproj.database import get_codes

rows = []
for code in sorted(get_codes("EPSG", "ELLIPSOID"), key=int):
    e = pyproj.crs.Ellipsoid.from_epsg(int(code))
    rf = 0 if e.semi_minor_metre == e.semi_major_metre else e.inverse_flattening
    rows.append(f'  {code}: ["{e.name}", {e.semi_major_metre!r}, {rf!r}],')

print(f"""/**
 * EPSG's ellipsoids: code -> [name, semi-major axis in metres, inverse flattening (0: a sphere)].
 * Generated from PROJ {pyproj.proj_version_str}'s database by scripts/ellipsoids.py; do not edit.
 */
export const ELLIPSOIDS: Readonly<Record<number, readonly [string, number, number]>> = {{""")
print("\n".join(rows))
print("};")
