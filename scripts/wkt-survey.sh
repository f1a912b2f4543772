#!/bin/sh
# WKT without EPSG codes, read by tilecast against PROJ (pyproj), over every EPSG projected CRS.
# Needs python3 with pyproj (Debian's python3-pyproj) and the built package (npx tsc -p tsconfig.build.json).
set -e
cd "$(dirname "$0")/.."
cases="${TMPDIR:-/tmp}/tilecast-wkt-survey.json"
python3 scripts/wkt-survey.py > "$cases"
node scripts/wkt-survey.mjs "$cases"
