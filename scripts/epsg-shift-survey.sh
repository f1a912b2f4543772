#!/bin/sh
# tilecast's EPSG codes against PROJ, from WGS 84 (needs Debian's python3-pyproj and `npx tsc -p
# tsconfig.build.json`): sh scripts/epsg-shift-survey.sh [--json out.json]
set -e
cd "$(dirname "$0")/.."
cases="${TMPDIR:-/tmp}/tilecast-epsg-shift-survey.json"
"${PYTHON:-/usr/bin/python3}" scripts/epsg-shift-survey.py > "$cases"
node scripts/epsg-shift-survey.mjs "$cases" "$@"
