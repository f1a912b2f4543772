"""Every EPSG projected CRS in WKT 2, GDAL's WKT 1 and ESRI's forms, its EPSG codes removed, with
a point in its area of use from its own geographic CRS (in degrees, codes removed too) and where
PROJ puts it, and where PROJ puts the same point from WGS 84. Input to scripts/wkt-survey.mjs (scripts/wkt-survey.sh runs both)."""
import json, re, sys, warnings

import pyproj
from pyproj import CRS, Transformer

warnings.filterwarnings("ignore")
strip = lambda w: re.sub(r',\s*(AUTHORITY|ID)\["EPSG",\s*"?\d+"?\]', "", w)
out = []
for info in pyproj.database.query_crs_info(auth_name="EPSG", pj_types=pyproj.enums.PJType.PROJECTED_CRS):
    if info.deprecated or info.area_of_use is None:
        continue
    try:
        crs = CRS.from_epsg(int(info.code))
        j = crs.geodetic_crs.to_json_dict()
        for axis in j["coordinate_system"]["axis"]:
            axis["unit"] = "degree"  # points in degrees, whatever the CRS's angular unit
        geo = CRS.from_json_dict(j)
        a = info.area_of_use
        lon = (a.west + a.east) / 2 if a.west <= a.east else ((a.west + a.east + 360) / 2 + 180) % 360 - 180
        point = [lon, (a.south + a.north) / 2]
        for form in ("WKT2_2019", "WKT1_GDAL", "WKT1_ESRI"):
            w, g = crs.to_wkt(form), geo.to_wkt(form)
            if not w or not g:
                continue
            w, g = strip(w), strip(g)
            xy = Transformer.from_crs(CRS(g), CRS(w), always_xy=True).transform(*point)
            xy84 = Transformer.from_crs("EPSG:4326", CRS(w), always_xy=True).transform(*point)
            if all(abs(v) < 1e12 for v in xy):
                method = crs.coordinate_operation.method_name if crs.coordinate_operation else ""
                out.append(dict(code=info.code, method=method, form=form, wkt=w, geo=g, point=point, xy=list(xy),
                                xy84=list(xy84)))
    except Exception:
        continue
json.dump(out, sys.stdout)
