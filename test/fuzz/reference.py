"""What GDAL (GeoTIFF) and zarr-python (Zarr) read from each fuzz case: one JSON line per case,
{"id", "ok", "md5", "gt"} with the md5 of all bands, C order, little-endian, in the file's dtype
(and a GeoTIFF's geotransform, null for none), or
{"id", "ok": false, "error"}. Run with a time limit per case by the harness."""
import hashlib, json, math, signal, sys, warnings
import numpy as np
from osgeo import gdal
import zarr
from overlong import overlong_block

# GDAL's own verdict, as gdalinfo and gdal_translate give it: a file is refused when Open or
# ReadAsArray fails. With exceptions on, the bindings raise on any error GDAL merely reports on
# the way (a GeoTIFF key out of range, after which GDAL reads the file without its georeferencing).
gdal.DontUseExceptions()
gdal.SetConfigOption("CPL_LOG", "/dev/null")
gdal.PushErrorHandler("CPLQuietErrorHandler")
LIMIT = 512 * 2**20  # the budget tilecast runs under in the harness
warnings.simplefilter("ignore")
cases = json.load(open(sys.argv[1]))

def zstd_changed(c):
    """Zstandard frames carry no checksum as numcodecs writes them: a changed one often still
    decodes, and decoders of different versions (libzstd 1.5.4 here, the older one inside
    numcodecs.js) decode it to different bytes. Neither is the file's: no reference."""
    if c["family"] not in ("chunk-bitflip", "chunk-random"):
        return None
    try:
        z = json.load(open(f'{c["path"]}/{c["variable"]}/.zarray'))
    except (OSError, ValueError):
        return None  # a v3 store: reference_ts.py judges it
    comp = z.get("compressor") or {}
    if comp.get("id") == "zstd" or (comp.get("id") == "blosc" and comp.get("cname") == "zstd"):
        return "a changed Zstandard frame without a checksum: its decoded bytes depend on the decoder"
    return None


class Timeout(Exception):
    pass

def alarm(*_):
    raise Timeout("timed out")

signal.signal(signal.SIGALRM, alarm)
for c in cases:
    print(json.dumps({"id": c["id"], "begin": True}), flush=True)  # the harness's mark, should this case crash us
    signal.alarm(10)
    try:
        if c["kind"] == "tiff":
            gdal.ErrorReset()
            ds = gdal.Open(c["path"])
            if ds is None:
                raise ValueError(gdal.GetLastErrorMsg() or "not opened")
            size = ds.RasterXSize * ds.RasterYSize * ds.RasterCount * gdal.GetDataTypeSize(ds.GetRasterBand(1).DataType) // 8
            if size > LIMIT:
                raise MemoryError(f"{size} bytes, over the harness's limit")
            a = ds.ReadAsArray()
            if a is None:
                raise ValueError(gdal.GetLastErrorMsg() or "no data")
            if a.ndim == 2:
                a = a[None]
        else:
            z = zarr.open(c["path"], mode="r")[c["variable"]]
            if z.nbytes > LIMIT:
                raise MemoryError(f"{z.nbytes} bytes, over the harness's limit")
            if z.fill_value is None:
                # zarr-python leaves missing chunks uninitialised without a fill value; tilecast
                # (and zarrita) fill them with 0: compare against that, not against garbage.
                z._fill_value = 0
            a = z[...]
        a = np.ascontiguousarray(a)
        a = a.astype(a.dtype.newbyteorder("<"))
        out = {"id": c["id"], "ok": True, "md5": hashlib.md5(a.tobytes()).hexdigest(), "dtype": str(a.dtype)}
        if c["kind"] == "tiff":
            gt = ds.GetGeoTransform(can_return_null=True)
            # Non-finite terms as text: JSON has no NaN (tilecast refuses such files anyway).
            out["gt"] = None if gt is None or tuple(gt) == (0, 1, 0, 0, 0, 1) else [v if math.isfinite(v) else str(v) for v in gt]
        undefined = overlong_block(c["path"]) if c["kind"] == "tiff" else zstd_changed(c)
        if undefined:
            out["undefined"] = undefined
    except BaseException as e:  # noqa: BLE001 - any failure is the reference refusing the file
        out = {"id": c["id"], "ok": False, "error": str(e).split("\n")[0][:200]}
    finally:
        signal.alarm(0)
    print(json.dumps(out), flush=True)
