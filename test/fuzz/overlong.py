"""Files whose GDAL pixels are undefined: a deflate block whose stream inflates past the block.

libtiff (as Debian builds it, with libdeflate) decodes a whole strip or tile with
libdeflate_zlib_decompress into a buffer of the block's size, and accepts its "insufficient
space" result silently; libdeflate then stops before the copy that would overflow, so the block's
last bytes keep whatever the buffer held before (checked by hand with ctypes: the bytes past the
last whole copy stay as they were). GDAL's pixels there are stale memory, not the file's, and
cannot be compared with tilecast's, which are the stream's first bytes. Python's zlib tells which
blocks inflate past their size.
"""
import math
import zlib

from osgeo import gdal


def _expected(ds, band) -> int:
    """Bytes of one whole block (every sample if interleaved): what libtiff asks the codec for."""
    b = ds.GetRasterBand(band)
    bits = int(b.GetMetadataItem("NBITS", "IMAGE_STRUCTURE") or gdal.GetDataTypeSize(b.DataType))
    interleaved = ds.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE") == "PIXEL"
    samples = ds.RasterCount if interleaved else 1
    width, rows = b.GetBlockSize()
    return rows * math.ceil(width * samples * bits / 8)


def overlong_block(path: str, limit: int = 20000):
    """A line naming the first deflate block that inflates past its size, or None."""
    ds = gdal.Open(path)
    if ds is None or ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE") != "DEFLATE":
        return None
    interleaved = ds.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE") == "PIXEL"
    data = open(path, "rb").read()
    checked = 0
    for band in [1] if interleaved else range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(band)
        bw, bh = b.GetBlockSize()
        # A whole block each (libtiff asks for less of a strip image's last strip: a stream
        # past that but not past a whole block goes unflagged, and reads as a difference).
        want = _expected(ds, band)
        across, down = math.ceil(ds.RasterXSize / bw), math.ceil(ds.RasterYSize / bh)
        for y in range(down):
            for x in range(across):
                checked += 1
                if checked > limit:
                    return None
                off = b.GetMetadataItem(f"BLOCK_OFFSET_{x}_{y}", "TIFF")
                size = b.GetMetadataItem(f"BLOCK_SIZE_{x}_{y}", "TIFF")
                if not off or not size:
                    continue
                try:
                    got = len(zlib.decompressobj().decompress(data[int(off) : int(off) + int(size)], want + 1))
                except zlib.error:
                    continue
                if got > want:
                    return f"block {x},{y} of band {band} inflates past its {want} bytes"
    return None
