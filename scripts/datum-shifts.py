#!/usr/bin/env python3
"""Derive src/grid/datum-shifts.ts: the shift to WGS 84 PROJ uses for each EPSG CRS whose bundled
PROJ definition (epsg-index) shifts its datum otherwise.

PROJ without grids uses the best Helmert transformation EPSG publishes for the CRS's area, which
this script asks PROJ for (`projinfo --spatial-test intersects`: the first of its candidates,
best first, that needs no grid) and writes as proj4's +towgs84 (position vector convention).
The index's definitions were derived from an older EPSG dataset, and differ from PROJ's in
three ways, each written here:
- a grid file tilecast does not ship (`+nadgrids=`: proj4js gives NaN without it);
- rotations in the coordinate frame convention written as position vector, their signs reversed
  (Belgian Lambert 72 65 m off, Finland's KKJ 305 m, Israel's grid 155 m);
- another transformation than PROJ's, or none where PROJ has one (Old Hawaiian 440 m).
A CRS PROJ has no grid-free Helmert for is given none ("": tilecast then converts the ellipsoid
with no shift, PROJ's "ballpark").

Run: /usr/bin/python3 scripts/datum-shifts.py > src/grid/datum-shifts.ts (needs proj-bin).
"""
import json
import re
import subprocess
import sys
from collections import defaultdict

EPSG = json.load(open("node_modules/epsg-index/all.json"))


def projinfo(code):
    """PROJ's candidate operations from the CRS to WGS 84, best first, as PROJ strings."""
    out = subprocess.run(
        ["projinfo", "-s", f"EPSG:{code}", "-t", "EPSG:4326", "--spatial-test", "intersects",
         "--grid-check", "none", "-o", "PROJ"],
        capture_output=True, text=True, check=False).stdout
    return [" ".join(op.split()) for op in out.split("Operation No.")[1:]]


def rotate(r, p, sign=1.0):
    """Point p rotated by the position-vector rotation r (arc-seconds), linearised as proj4
    applies it; sign -1: the transposed (inverse) rotation."""
    rx, ry, rz = (sign * v * 3.141592653589793 / 180 / 3600 for v in r)
    x, y, z = p
    return [x - rz * y + ry * z, rz * x + y - rx * z, -ry * x + rx * y + z]


def step(kind, params, inverse):
    """One Helmert or Molodensky-Badekas step as (translation, position-vector rotation, scale)."""
    p = dict(kv[1:].split("=", 1) for kv in params.split())
    if any(k in p for k in ("dx", "t_epoch", "drx", "theta")):
        return None  # time-dependent or 2D: not a +towgs84
    sign = -1.0 if p.get("convention") == "coordinate_frame" else 1.0
    t = [float(p.get(k, 0)) for k in ("x", "y", "z")]
    r = [sign * float(p.get(k, 0)) for k in ("rx", "ry", "rz")]
    s = float(p.get("s", 0))
    if kind == "molobadekas":
        # About pivot P: T + P - (1 + s) R P as the Helmert's translation.
        pivot = [float(p[k]) for k in ("px", "py", "pz")]
        rp = rotate(r, pivot)
        t = [t[i] + pivot[i] - (1 + s * 1e-6) * rp[i] for i in range(3)]
    if inverse:
        # X = (R^T (X' - T)) / (1 + s): to first order in the rotation and scale.
        rt = rotate(r, t, -1.0)
        t = [-v / (1 + s * 1e-6) for v in rt]
        r, s = [-v for v in r], -s
    return t, r, s


def compose(a, b):
    """Step a, then step b."""
    (t1, r1, s1), (t2, r2, s2) = a, b
    rt = rotate(r2, t1)
    return [t2[i] + (1 + s2 * 1e-6) * rt[i] for i in range(3)], [r1[i] + r2[i] for i in range(3)], s1 + s2


OTHER = re.compile(r"\+proj=(geogoffset|molodensky|affine|\w*gridshift|deformation|tinshift|set)\b")
STEP = re.compile(r"\+step (\+inv )?\+proj=(helmert|molobadekas)((?: \+[a-z_]+=\S+)+)")


def towgs84(code):
    """The shift of the first grid-free candidate, its Helmert steps composed (a concatenated
    operation: Greek to GGRS87 to WGS 84); "" where it shifts no datum (a null transformation, a
    ballpark); None where PROJ gives nothing to go by or a method +towgs84 cannot hold."""
    for text in projinfo(code):
        if "grids=" in text:
            continue
        steps = [step(kind, params, bool(inv)) for inv, kind, params in STEP.findall(text)]
        if not steps:
            return "" if "+proj=cart" not in text else None
        if None in steps or text.count("+proj=cart") != 2 * len(steps) or OTHER.search(text):
            return None  # a step +towgs84 cannot hold
        total = steps[0]
        for s in steps[1:]:
            total = compose(total, s)
        t, r, s = total
        return ",".join(f"{v:.10g}" for v in [*t, *r, s])
    return None


def own(def_):
    """The index's shift: its +towgs84 padded to seven values, "grid", or "" for none."""
    if re.search(r"\+nadgrids=(?!@null\b)", def_) or "+datum=NAD27" in def_:
        return "grid"
    m = re.search(r"\+towgs84=(\S+)", def_)
    if not m:
        return ""
    v = [float(x) for x in m.group(1).split(",")] + [0.0] * 7
    return "" if not any(v[:7]) else ",".join(f"{x:.10g}" for x in v[:7])


def same(a, b):
    if a == b:
        return True
    if not a or not b or a == "grid" or b == "grid":
        return False
    return all(abs(float(x) - float(y)) < 1e-9 for x, y in zip(a.split(","), b.split(",")))


shifts = {}
for code, entry in sorted(EPSG.items(), key=lambda kv: int(kv[0])):
    def_ = entry.get("proj4") or ""
    if entry.get("kind") not in ("CRS-PROJCRS", "CRS-GEOGCRS") or not def_ or "+datum=WGS84" in def_:
        continue
    if not re.search(r"\+(ellps|a|R|datum)=", def_) or "+nadgrids=@null" in def_:
        continue
    t = towgs84(code)
    mine = own(def_)
    if t is None:
        if mine == "grid":
            shifts[code] = ""  # no Helmert to replace the grid by: no shift
        continue
    if not same(t, mine):
        shifts[code] = t
        print(code, mine, "->", t, file=sys.stderr)

by_shift = defaultdict(list)
for code, t in shifts.items():
    by_shift[t].append(int(code))

print("/**")
print(" * The shift to WGS 84 (proj4's +towgs84, position vector; \"\": none) PROJ uses for each EPSG CRS")
print(" * whose bundled PROJ definition shifts its datum otherwise: by a grid file tilecast does not")
print(" * ship, by a coordinate-frame rotation written with its signs reversed, or by another")
print(" * transformation than PROJ's. The best Helmert transformation EPSG publishes for the CRS's area,")
print(" * as PROJ chooses it without grids. Derived from PROJ's database (the EPSG dataset) by")
print(" * `scripts/datum-shifts.py`; do not edit by hand.")
print(" *")
print(" * Internal (used by `crs.ts`).")
print(" */")
print("const BY_SHIFT: Readonly<Record<string, readonly number[]>> = {")
for t, codes in sorted(by_shift.items(), key=lambda kv: kv[1][0]):
    print(f'  "{t}": {json.dumps(codes)},')
print("};")
print("""
/** Code -> shift. */
export const DATUM_SHIFTS: ReadonlyMap<number, string> = new Map(
  Object.entries(BY_SHIFT).flatMap(([shift, codes]) => codes.map((code) => [code, shift] as const)),
);""")
