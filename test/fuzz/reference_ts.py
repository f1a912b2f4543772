"""What tensorstore reads from each Zarr v3 fuzz case (zarr-python 2 reads no v3): one JSON line
per case, {"id", "ok", "md5", "dtype"} with the md5 of the array, C order, little-endian, or
{"id", "ok": false, "error"}. Run by the harness with a Python that has tensorstore (the bench's
venv, or TILECAST_TENSORSTORE_PYTHON); cases that are not v3 are skipped."""
import hashlib, json, os, signal, sys

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


signal.signal(signal.SIGALRM, alarm)
for c in json.load(open(sys.argv[1])):
    if c["kind"] != "zarr" or not os.path.exists(os.path.join(c["path"], c["variable"], "zarr.json")):
        continue
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
    undefined = zstd_changed(c)
    if undefined:
        out["undefined"] = undefined
    print(json.dumps(out), flush=True)
