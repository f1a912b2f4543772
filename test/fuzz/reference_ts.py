"""What tensorstore reads from each Zarr v3 fuzz case (zarr-python 2 reads no v3): one JSON line
per case, {"id", "ok", "md5", "dtype"} with the md5 of the array, C order, little-endian, or
{"id", "ok": false, "error"}. Run by the harness with a Python that has tensorstore (the bench's
venv, or TILECAST_TENSORSTORE_PYTHON); cases that are not v3 are skipped."""
import hashlib, json, os, re, signal, struct, sys

import numpy as np
import tensorstore as ts

LIMIT = 512 * 2**20  # the budget tilecast runs under in the harness


def alarm(*_):
    raise TimeoutError("timed out")


def zstd_changed(c):
    """As reference.py's: a changed Zstandard frame (alone or inside Blosc, sharded or not) has no
    checksum; decoders of different versions decode or refuse it differently."""
    if c["family"] not in ("chunk-bitflip", "chunk-random"):
        return None
    text = open(os.path.join(c["path"], c["variable"], "zarr.json")).read()
    if '"zstd"' in text:
        return "a changed Zstandard frame without a checksum: its decoded bytes depend on the decoder"
    return None


def blosc_trailing(c, error):
    """tensorstore refuses a Blosc chunk whose byte range runs past the frame's own size (c-blosc's
    blosc_cbuffer_validate wants them equal); numcodecs, so zarr-python, decodes the frame and
    ignores the bytes after it, as tilecast does. When a shard's index gives a chunk such a range
    and the frame itself is whole, the references disagree: no reference."""
    m = re.search(r'shard entry \{([\d, ]+)\}/\{([\d, ]+)\} in local file "([^"]+)": Invalid blosc-compressed data', error)
    if not m:
        return None
    at = [int(x) for x in m.group(1).split(",")]
    grid = [int(x) for x in m.group(2).split(",")]
    i = 0
    for a, g in zip(at, grid):
        i = i * g + a
    b = open(m.group(3), "rb").read()
    n = int(np.prod(grid))
    index = b[len(b) - 16 * n - 4 : len(b) - 4]
    off, size = struct.unpack_from("<QQ", index, 16 * i)
    chunk = b[off : off + size]
    if len(chunk) < 16 or chunk[0] > 2:
        return None
    cbytes = struct.unpack_from("<I", chunk, 12)[0]
    if 16 <= cbytes < len(chunk):
        return "a Blosc frame followed by other bytes in its shard range: tensorstore refuses it, numcodecs ignores them"
    return None


signal.signal(signal.SIGALRM, alarm)
for c in json.load(open(sys.argv[1])):
    if c["kind"] != "zarr" or not os.path.exists(os.path.join(c["path"], c["variable"], "zarr.json")):
        continue
    print(json.dumps({"id": c["id"], "begin": True}), flush=True)  # the harness's mark, should this case crash us
    signal.alarm(10)
    try:
        path = os.path.join(c["path"], c["variable"])
        a = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": path}}).result()
        if int(np.prod(a.shape)) * a.dtype.numpy_dtype.itemsize > LIMIT:
            raise MemoryError("over the harness's limit")
        v = np.ascontiguousarray(a.read().result())
        v = v.astype(v.dtype.newbyteorder("<"))
        out = {"id": c["id"], "ok": True, "md5": hashlib.md5(v.tobytes()).hexdigest(), "dtype": str(v.dtype)}
    except BaseException as e:  # noqa: BLE001 - any failure is the reference refusing the store
        out = {"id": c["id"], "ok": False, "error": str(e).split("\n")[0][:200]}
    finally:
        signal.alarm(0)
    undefined = zstd_changed(c) or (not out["ok"] and blosc_trailing(c, out["error"]))
    if undefined:
        out["undefined"] = undefined
    print(json.dumps(out), flush=True)
