#!/usr/bin/env python3
"""The segmentation job as a Python user writes it with GDAL and PyTorch: the reference of the
benchmark row beside `tilecast run pipelines/scene-water.yaml`. It does the pipeline's work:
read the scene (GDAL, whole, GDAL_NUM_THREADS threads), z-score it with the model's statistics
(nodata cells set to 0), cut 96 px windows around 64 px cores (reflected past the edges, as
numpy's `reflect`), run the shipped TF.js U-Net's weights in PyTorch (batches of 8,
channels_last, inference mode), blend the windows with Hann weights, write float32 probabilities
(NaN where any band is nodata) as a tiled deflate GeoTIFF with the scene's georeferencing, and a
quicklook PNG. Prints one JSON line: megapixels per second from loading PyTorch to the files on
disk (the benchmark times the whole process itself), and versions.

    python3 bench/seg_torch.py SCENE MODEL_DIR OUT.tif [--compare TILECAST.tif]

Debian's GDAL bindings are built against Debian's numpy, and the newest PyTorch lives in
bench/.venv (numpy 2 beside it): numpy and GDAL load first from Debian, then torch from the
directory in TILECAST_TORCH_SITE when set. --compare prints the largest difference from another
run's probabilities (tilecast's) and how many cells are NaN in one and not the other.
"""
import json
import os
import sys
import time

import numpy as np
from osgeo import gdal

T0 = time.perf_counter()
if os.environ.get("TILECAST_TORCH_SITE"):
    sys.path.insert(0, os.environ["TILECAST_TORCH_SITE"])
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

gdal.UseExceptions()
CORE, OVERLAP, BATCH = 64, 16, 8
WINDOW = CORE + 2 * OVERLAP


def load_keras(model_dir):
    """The TF.js layers model in MODEL_DIR as a function of an NCHW batch (the layers it uses)."""
    with open(os.path.join(model_dir, "model.json")) as f:
        spec = json.load(f)
    blob = b""
    for path in (p for g in spec["weightsManifest"] for p in g["paths"]):
        with open(os.path.join(model_dir, path), "rb") as f:
            blob += f.read()
    weights, at = {}, 0
    for g in spec["weightsManifest"]:
        for w in g["weights"]:
            n = int(np.prod(w["shape"]))
            assert w["dtype"] == "float32", w
            weights[w["name"]] = torch.from_numpy(np.frombuffer(blob, np.float32, n, at).reshape(w["shape"]).copy())
            at += 4 * n
    config = spec["modelTopology"]["config"]
    layers = config["layers"]
    # Keras kernels are [h, w, in, out] (transposed: [h, w, out, in]); PyTorch's [out, in, h, w] and [in, out, h, w].
    for name in [k for k in weights if k.endswith("/kernel")]:
        weights[name] = weights[name].permute(3, 2, 0, 1).contiguous()

    # An activation overwrites its input where nothing else reads it, as nn.ReLU(inplace=True) does.
    readers = {}
    for l in layers:
        for n in l["inbound_nodes"][0] if l["inbound_nodes"] else []:
            readers[n[0]] = readers.get(n[0], 0) + 1

    def act(x, a, inplace=False):
        return {"linear": lambda v: v, "relu": lambda v: F.relu(v, inplace=inplace), "sigmoid": torch.sigmoid,
                "softmax": lambda v: torch.softmax(v, 1)}[a](x)

    def layer(l, xs):
        c, k, name = l["config"], l["class_name"], l["name"]
        x = xs[0]
        if k == "Conv2D":
            assert c["strides"] == [1, 1] and c["kernel_size"][0] % 2 == 1
            pad = c["kernel_size"][0] // 2 if c["padding"] == "same" else 0
            return act(F.conv2d(x, weights[name + "/kernel"], weights.get(name + "/bias"), padding=pad), c["activation"])
        if k == "Conv2DTranspose":
            assert c["kernel_size"] == c["strides"]
            y = F.conv_transpose2d(x, weights[name + "/kernel"], weights.get(name + "/bias"), stride=c["strides"])
            return act(y, c["activation"])
        if k == "BatchNormalization":
            w = lambda p: weights[f"{name}/{p}"]  # noqa: E731
            return F.batch_norm(x, w("moving_mean"), w("moving_variance"), w("gamma"), w("beta"), False, 0.0, c["epsilon"])
        if k == "Activation":
            return act(x, c["activation"], readers.get(l["inbound_nodes"][0][0][0]) == 1)
        if k == "MaxPooling2D":
            return F.max_pool2d(x, c["pool_size"], c["strides"])
        if k == "Concatenate":
            return torch.cat(xs, 1)
        raise ValueError(f"{model_dir}: layer {k} not supported here")

    def forward(x):
        values = {}
        for l in layers:
            if l["class_name"] == "InputLayer":
                values[l["name"]] = x
            else:
                values[l["name"]] = layer(l, [values[n[0]] for n in l["inbound_nodes"][0]])
        return values[config["output_layers"][0][0]]

    return forward


def run(scene, model_dir, out):
    with open(os.path.join(model_dir, "stats.json")) as f:
        stats = json.load(f)["bands"]
    mean = np.array([b["mean"] for b in stats], np.float32)[:, None, None]
    std = np.array([b["std"] for b in stats], np.float32)[:, None, None]
    model = load_keras(model_dir)

    ds = gdal.Open(scene)
    h, w = ds.RasterYSize, ds.RasterXSize
    raw = ds.ReadAsArray()
    invalid = np.zeros((h, w), bool)
    for b in range(ds.RasterCount):
        nd = ds.GetRasterBand(b + 1).GetNoDataValue()
        if nd is not None:
            invalid |= raw[b] == nd
    x = (raw.astype(np.float32) - mean) / std
    del raw
    x[:, invalid] = 0
    ty, tx = -(-h // CORE), -(-w // CORE)
    x = np.pad(x, ((0, 0), (OVERLAP, ty * CORE - h + OVERLAP), (OVERLAP, tx * CORE - w + OVERLAP)), mode="reflect")
    valid = np.pad(~invalid, ((OVERLAP, ty * CORE - h + OVERLAP), (OVERLAP, tx * CORE - w + OVERLAP)))

    hann = np.sin(np.pi * (np.arange(WINDOW) + 0.5) / WINDOW) ** 2
    weight = np.outer(hann, hann).astype(np.float32)
    acc = np.zeros(x.shape[1:], np.float32)
    wsum = np.zeros(x.shape[1:], np.float32)
    # Windows whose core has a valid cell (tilecast skips the others too), in batches; their
    # probabilities blended into acc.
    spots = [(i * CORE, j * CORE) for i in range(ty) for j in range(tx)
             if valid[OVERLAP + i * CORE:OVERLAP + (i + 1) * CORE, OVERLAP + j * CORE:OVERLAP + (j + 1) * CORE].any()]
    with torch.inference_mode():
        for s in range(0, len(spots), BATCH):
            part = spots[s:s + BATCH]
            batch = np.stack([x[:, y0:y0 + WINDOW, x0:x0 + WINDOW] for y0, x0 in part])
            p = model(torch.from_numpy(batch).contiguous(memory_format=torch.channels_last)).numpy()
            for (y0, x0), prob in zip(part, p):
                acc[y0:y0 + WINDOW, x0:x0 + WINDOW] += weight * prob[0]
                wsum[y0:y0 + WINDOW, x0:x0 + WINDOW] += weight
    core = (slice(OVERLAP, OVERLAP + h), slice(OVERLAP, OVERLAP + w))
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = acc[core] / wsum[core]
    prob[invalid] = np.nan

    tmp = out + ".part"
    dst = gdal.GetDriverByName("GTiff").Create(
        tmp, w, h, 1, gdal.GDT_Float32,
        ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3"])
    dst.SetGeoTransform(ds.GetGeoTransform())
    dst.SetProjection(ds.GetProjection())
    band = dst.GetRasterBand(1)
    band.SetNoDataValue(float("nan"))
    band.WriteArray(prob)
    dst = band = None
    os.replace(tmp, out)
    gdal.Translate(out + ".png", out, format="PNG", outputType=gdal.GDT_Byte, width=min(w, 1024),
                   scaleParams=[[0, 1, 0, 255]], noData="none")
    return len(spots)


def compare(a_path, b_path):
    a = gdal.Open(a_path).ReadAsArray().astype(np.float64)
    b = gdal.Open(b_path).ReadAsArray().astype(np.float64)
    both = ~np.isnan(a) & ~np.isnan(b)
    return {"maxDifference": float(np.abs(a - b)[both].max()), "nanOnlyOne": int((np.isnan(a) != np.isnan(b)).sum())}


def main():
    args = sys.argv[1:]
    other = None
    if "--compare" in args:
        i = args.index("--compare")
        other = args[i + 1]
        del args[i:i + 2]
    scene, model_dir, out = args
    torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", "2")))
    windows = run(scene, model_dir, out)
    ds = gdal.Open(scene)
    seconds = time.perf_counter() - T0
    line = {"megapixelsPerSecond": ds.RasterXSize * ds.RasterYSize / 1e6 / seconds, "seconds": seconds,
            "windows": windows, "torch": torch.__version__, "gdal": gdal.__version__,
            "threads": torch.get_num_threads()}
    if other:
        line.update(compare(out, other))
    print(json.dumps(line))


main()
