#!/usr/bin/env bash
# npm run bench:setup: the reference tools of `npm run bench`.
# - Debian: GNU time (the harness times each run with it), GDAL (gdal_translate, python3-gdal),
#   zarr-python, numpy, redis-server (the queue workload), and torch 1.13 as a fallback;
# - a venv in bench/.venv (Debian's Python, its own packages) with the newest PyTorch and
#   tensorstore pip can install from its index (torch --no-deps, then the modules it imports). GDAL and zarr-python run from
#   /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs="time gdal-bin python3-gdal python3-numpy python3-zarr python3-torch python3-venv redis-server"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
else
  echo "not root: install these Debian packages yourself if missing: $pkgs"
fi
# Its own site-packages: Debian's sympy 1.11 (pulled in by python3-torch) breaks torch 2.13.
[ -x bench/.venv/bin/python ] || /usr/bin/python3 -m venv bench/.venv
pip=(bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check)
if "${pip[@]}" --no-deps "torch==2.13.0+cpu" 2>/dev/null || "${pip[@]}" --no-deps torch 2>/dev/null; then
  "${pip[@]}" filelock typing_extensions networkx jinja2 fsspec numpy
  "${pip[@]}" sympy 2>/dev/null || echo "no sympy from pip: torch may not import (torch._dynamo needs it)"
else
  echo "no torch wheel from pip: the benchmark uses Debian's python3-torch"
fi
"${pip[@]}" --no-deps tensorstore ml_dtypes 2>/dev/null || echo "no tensorstore wheel from pip: its comparisons are skipped"
bench/.venv/bin/python - <<'PY'
import importlib
for m in ("torch", "tensorstore"):
    try:
        mod = importlib.import_module(m)
        print(f"{m:12} {getattr(mod, '__version__', getattr(mod, 'VersionInfo', lambda: '')())}")
    except Exception as e:
        print(f"{m:12} missing ({e.__class__.__name__})")
PY
