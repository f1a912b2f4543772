#!/usr/bin/env python3
"""Derive src/grid/esri-gcs-names.ts: the names ESRI gives EPSG's geographic CRSs where they are
not EPSG's own with punctuation aside (`GCS_Israel` for Israel 1993, `GCS_WGS_1972` for WGS 72),
from PROJ's database (its ESRI aliases).

WKT without codes names its geographic CRS; tilecast takes the datum shift PROJ uses for the
EPSG CRS of that name (wkt-datum.ts), and found none for these.

Run: /usr/bin/python3 scripts/esri-gcs-names.py > src/grid/esri-gcs-names.ts (needs python3-pyproj).
"""
import json
import os
import re
import sqlite3

import pyproj

db = sqlite3.connect(os.path.join(pyproj.datadir.get_data_dir(), "proj.db"))
loose = lambda n: re.sub(r"[^a-z0-9]", "", re.sub(r"^gcs_", "", n.lower()))
index = json.load(open("node_modules/epsg-index/all.json"))
own = {loose(e["name"]) for e in index.values() if e.get("name") and e.get("kind") == "CRS-GEOGCRS"}
pairs = []
for name, code in db.execute(
    "SELECT a.alt_name, a.code FROM alias_name a JOIN geodetic_crs g ON g.auth_name = a.auth_name AND g.code = a.code "
    "WHERE a.table_name = 'geodetic_crs' AND a.source = 'ESRI' AND a.auth_name = 'EPSG' AND g.type = 'geographic 2D' "
    "ORDER BY CAST(a.code AS INTEGER)"
):
    if loose(name) not in own and index.get(str(code), {}).get("kind") == "CRS-GEOGCRS" and " " not in name:
        pairs.append(f"{name}:{code}")

print(f"""/**
 * ESRI's names of EPSG's geographic CRSs where they are not EPSG's own with punctuation aside, as
 * `name:code` pairs: `GCS_Israel` is EPSG:4141. Generated from PROJ {pyproj.proj_version_str}'s ESRI aliases
 * by scripts/esri-gcs-names.py; do not edit.
 */
export const ESRI_GCS_NAMES = "{" ".join(pairs)}";""")
