"""Zarr bases for the fuzz harness in the layouts zarr-python writes and tilecast's own writer
does not: Fortran order, big-endian values, nested chunk keys ("/"), Blosc with bit shuffle and
an inner Zstandard, a Delta filter, Zstandard, gzip, LZMA (.xz) and bz2 compressors, chunks missing where they
hold only the fill value, and a time series (a CF time coordinate for its bands). Each copies the tilecast-made store SRC (its coordinates and attributes)
with band_data rewritten, in chunks that do not divide the raster.
Usage: zarr_bases.py SRC OUT_DIR; prints one line per store made."""
import os
import sys

import numcodecs
import numpy as np
import zarr

src_path, out_dir = sys.argv[1], sys.argv[2]
src = zarr.open_group(src_path, mode="r")
data = src["band_data"][...]
attrs = dict(src["band_data"].attrs)
blosc = numcodecs.Blosc

VARIANTS = {
    "f-order": dict(order="F", compressor=numcodecs.Zlib(level=1)),
    "big-endian": dict(dtype=">u2", compressor=blosc(cname="lz4", clevel=5, shuffle=blosc.SHUFFLE)),
    "nested-zstd": dict(dimension_separator="/", compressor=numcodecs.Zstd(level=3)),
    "bitshuffle-zstd": dict(compressor=blosc(cname="zstd", clevel=3, shuffle=blosc.BITSHUFFLE)),
    "delta-zlib": dict(filters=[numcodecs.Delta(dtype="<u2")], compressor=numcodecs.Zlib(level=1)),
    "lzma": dict(compressor=numcodecs.LZMA(preset=1)),
    "bz2": dict(compressor=numcodecs.BZ2(1)),
    "gzip-missing": dict(dtype="<f4", fill_value=np.nan, compressor=numcodecs.GZip(level=1), write_empty_chunks=False),
    # A time series: the bands a CF time coordinate in NCEP's units (its attributes mutated too).
    "time-series": dict(compressor=numcodecs.Zlib(level=1)),
}

for name, o in VARIANTS.items():
    path = os.path.join(out_dir, f"base.{name}.zarr")
    if os.path.exists(os.path.join(path, ".zmetadata")):
        print(path)
        continue
    g = zarr.open_group(path, mode="w")
    for key in src.array_keys():
        if key != "band_data" and not (name == "time-series" and key == "band"):
            zarr.copy(src[key], g, name=key)
    if name == "time-series":
        t = g.create_dataset("time", data=17067072.0 + 6 * np.arange(data.shape[0]), compressor=None)
        t.attrs.update({"_ARRAY_DIMENSIONS": ["time"], "units": "hours since 1-1-1 00:00:0.0", "calendar": "standard"})
    values = data.astype(o.get("dtype", data.dtype))
    if name == "gzip-missing":
        values[:, :200, :] = np.nan  # whole chunks of fill value: zarr-python leaves them unwritten
    a = g.create_dataset("band_data", shape=values.shape, chunks=(2, 100, 96), **{"dtype": values.dtype, **o})
    a[...] = values
    a.attrs.update(attrs)
    if name == "time-series":
        a.attrs.update({"_ARRAY_DIMENSIONS": ["time", "y", "x"]})
        a.attrs.pop("band_names", None)
    g.attrs.update(dict(src.attrs))
    zarr.consolidate_metadata(path)
    print(path)
