#!/usr/bin/env python3
"""Derive src/grid/datum-shifts.ts: a seven-parameter shift to WGS 84 for each EPSG CRS whose
bundled PROJ definition (epsg-index) shifts its datum by a grid file tilecast does not ship.

proj4js cannot use a grid it has not loaded and returns NaN; PROJ without the grid uses the best
Helmert transformation EPSG publishes for the CRS's area, which this script asks PROJ for
(`projinfo --spatial-test intersects`: the first of its candidates, best first, that is a
Helmert and needs no grid) and writes as proj4's +towgs84 (position vector convention). CRSs PROJ has no Helmert for are left
out (tilecast then converts the ellipsoid with no shift, PROJ's "ballpark").

Run: /usr/bin/python3 scripts/datum-shifts.py > src/grid/datum-shifts.ts (needs proj-bin).
"""
import json
import re
import subprocess
import sys

EPSG = json.load(open("node_modules/epsg-index/all.json"))


def towgs84(code):
    """The first grid-free Helmert among PROJ's candidates (best accuracy for the area first)."""
    out = subprocess.run(
        ["projinfo", "-s", f"EPSG:{code}", "-t", "EPSG:4326", "--spatial-test", "intersects",
         "--grid-check", "none", "-o", "PROJ"],
        capture_output=True, text=True, check=False).stdout
    for op in out.split("Operation No.")[1:]:
        text = " ".join(op.split())
        m = re.search(r"\+proj=helmert((?: \+[a-z_]+=\S+)+)", text)
        if not m or "grids=" in text:
            continue
        p = dict(kv[1:].split("=", 1) for kv in m.group(1).split())
        sign = -1.0 if p.get("convention") == "coordinate_frame" else 1.0
        values = [float(p.get(k, 0)) for k in ("x", "y", "z")]
        values += [sign * float(p.get(k, 0)) for k in ("rx", "ry", "rz")]
        values += [float(p.get("s", 0))]
        return ",".join(f"{v:.10g}" for v in values)
    return None


shifts = {}
for code, entry in sorted(EPSG.items(), key=lambda kv: int(kv[0])):
    grid = re.search(r"\+nadgrids=(\S+)", entry.get("proj4") or "")
    if not grid or grid.group(1) == "@null":
        continue
    t = towgs84(code)
    if t:
        shifts[code] = t
    print(code, t, file=sys.stderr)

print("/**")
print(" * A seven-parameter shift to WGS 84 (proj4's +towgs84, position vector) for each EPSG CRS whose")
print(" * bundled PROJ definition shifts its datum by a grid file: the best Helmert transformation EPSG")
print(" * publishes for the CRS's area, as PROJ chooses it without the grid. Derived from PROJ's database")
print(" * (the EPSG dataset) by `scripts/datum-shifts.py`; do not edit by hand.")
print(" *")
print(" * Internal (used by `crs.ts`).")
print(" */")
print("export const DATUM_SHIFTS: Readonly<Record<string, string>> = {")
for code, t in shifts.items():
    print(f'  {code}: "{t}",')
print("};")
