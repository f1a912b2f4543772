#!/bin/sh
# WKT without EPSG codes, read by tilecast against PROJ (pyproj), over every EPSG projected CRS.
# Needs Debian's python3-pyproj (or PYTHON=a python with pyproj) and the built package (npx tsc -p tsconfig.build.json).
set -e
cd "$(dirname "$0")/.."
cases="${TMPDIR:-/tmp}/tilecast-wkt-survey.json"
"${PYTHON:-/usr/bin/python3}" scripts/wkt-survey.py > "$cases"
node scripts/wkt-survey.mjs "$cases"
