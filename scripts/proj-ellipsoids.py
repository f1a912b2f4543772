#!/usr/bin/env python3
"""Derive src/grid/proj-ellipsoid-table.ts: the ellipsoids a PROJ string names (`+ellps=WGS72`),
as PROJ defines them, through pyproj.

proj4 lacks some (WGS72, spelt WGS7 in its table; GSK2011, PZ90, danish, APL4.9) and reads a
name it lacks as WGS 84; tilecast spells them out (proj-ellipsoids.ts).

Run: /usr/bin/python3 scripts/proj-ellipsoids.py > src/grid/proj-ellipsoid-table.ts (needs python3-pyproj).
"""
import pyproj

rows = []
for name, e in pyproj.get_ellps_map().items():
    shape = f"rf: {e['rf']!r}" if "rf" in e else f"b: {e['b']!r}"
    rows.append(f'  "{name}": {{ a: {e["a"]!r}, {shape} }},')

print(f"""/**
 * The ellipsoids PROJ strings name (`+ellps=`): name -> semi-major axis and inverse flattening or
 * semi-minor axis, in metres. Generated from PROJ {pyproj.proj_version_str} by
 * scripts/proj-ellipsoids.py; do not edit.
 */
export const PROJ_ELLIPSOIDS: Readonly<Record<string, {{ a: number; rf?: number; b?: number }}>> = {{""")
print("\n".join(rows))
print("};")
