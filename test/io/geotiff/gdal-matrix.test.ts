/**
 * Every sample type GDAL writes, under every codec it writes, tiled and striped, pixel- and
 * band-interleaved, little- and big-endian, TIFF and BigTIFF: tilecast reads GDAL's values, or
 * refuses complex samples by name; a file GDAL writes but cannot read back, tilecast refuses too,
 * naming it. A file GDAL itself cannot write (JPEG of 16-bit samples, say) is left out. One Python process writes the files, one read each in this one.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const TYPES = ["Byte", "SignedByte", "UInt16", "Int16", "UInt32", "Int32", "Float32", "Float64", "Int64", "UInt64"];
const COMPLEX = ["CInt16", "CFloat32"];
const CODECS = ["NONE", "DEFLATE", "LZW", "ZSTD", "PACKBITS", "LZMA", "LERC", "LERC_DEFLATE", "JPEG", "WEBP"];

/** A canonical hash of values: float64 little-endian, NaN as one fixed value. */
function hashOf(values: ArrayLike<number | bigint>): string {
  const f = new Float64Array(values.length);
  for (let i = 0; i < f.length; i++) {
    const v = Number(values[i]);
    f[i] = v !== v ? -1.2345e300 : v;
  }
  return createHash("md5").update(new Uint8Array(f.buffer)).digest("hex");
}

describe.skipIf(!hasGdal)("GDAL's sample types x codecs x layouts", () => {
  it("reads every file as GDAL does, or refuses complex samples by name", async () => {
    const dir = tmp("matrix");
    const made = py<{ file: string; md5: string | null; type: string }[]>(`import hashlib, itertools, os
os.makedirs(${JSON.stringify(dir)})
rng = np.random.default_rng(5)
W, H = 37, 23
span = {"Byte": (0, 256), "SignedByte": (0, 256), "UInt16": (0, 2**16), "Int16": (-2**15, 2**15), "UInt32": (0, 2**32),
        "Int32": (-2**31, 2**31), "Int64": (-2**52, 2**52), "UInt64": (0, 2**53)}
layouts = {"tiles": ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"], "strips": ["BLOCKYSIZE=8"]}
out = []
i = 0
gdal.PushErrorHandler("CPLQuietErrorHandler")
for t, c, lay, il in itertools.product(${JSON.stringify([...TYPES, ...COMPLEX])}, ${JSON.stringify(CODECS)}, layouts, ["PIXEL", "BAND"]):
    for p in ([1, 2] + ([3] if t.startswith("Float") else [])) if c in ("DEFLATE", "LZW", "ZSTD", "LZMA") else [1]:
        i += 1
        opts = [f"COMPRESS={c}", f"INTERLEAVE={il}", "BIGTIFF=" + ("YES" if i % 3 == 0 else "NO"),
                "ENDIANNESS=" + ("BIG" if i % 2 else "LITTLE"), f"PREDICTOR={p}"] + layouts[lay]
        if t == "SignedByte": opts.append("PIXELTYPE=SIGNEDBYTE")
        if c == "WEBP": opts.append("WEBP_LOSSLESS=YES")
        ds = gdal.GetDriverByName("MEM").Create("", W, H, 3, getattr(gdal, "GDT_" + ("Byte" if t == "SignedByte" else t)))
        for b in range(3):
            a = rng.normal(0, 1000, (H, W)) if t[0] in "FC" else rng.integers(*span[t], (H, W))
            if t[0] == "F": a[b, 3] = np.nan
            ds.GetRasterBand(b + 1).WriteArray(a)
        path = os.path.join(${JSON.stringify(dir)}, f"{i:04d}-{t}-{c}-p{p}-{lay}-{il}.tif")
        gdal.ErrorReset()
        gdal.DontUseExceptions()  # a failed write is a combination to leave out, not an exception
        written = gdal.Translate(path, ds, format="GTiff", creationOptions=opts)
        written = None  # closing it writes the last blocks, where a codec may fail too
        failed = gdal.GetLastErrorType() >= gdal.CE_Failure
        gdal.UseExceptions()
        if failed:  # a combination GDAL does not write
            if os.path.exists(path): os.remove(path)
            continue
        try:
            r = gdal.Open(path).ReadAsArray()
        except RuntimeError:  # written, yet GDAL does not read it back (WebP, band-interleaved)
            out.append({"file": os.path.basename(path), "md5": "unreadable", "type": t})
            continue
        f = None
        if not np.iscomplexobj(r):
            f = r.astype(np.float64)
            f[np.isnan(f)] = -1.2345e300
            f = hashlib.md5(np.ascontiguousarray(f).astype("<f8").tobytes()).hexdigest()
        out.append({"file": os.path.basename(path), "md5": f, "type": t})
print(json.dumps(out))`);
    // Each codec GDAL writes for some type is here; JPEG and WebP only for bytes.
    for (const c of CODECS) expect(made.some((m) => m.file.includes(`-${c}-`))).toBe(true);
    expect(made.length).toBeGreaterThan(400);
    const wrong: string[] = [];
    for (const m of made) {
      const path = join(dir, m.file);
      try {
        const src = await openGeoTiff(path);
        try {
          const { width, height } = src.meta;
          const g = await src.readWindow({ x: 0, y: 0, width, height });
          if (m.md5 === "unreadable") wrong.push(`${m.file}: read where GDAL fails`);
          else if (m.md5 === null || hashOf(g.data as ArrayLike<number>) !== m.md5)
            wrong.push(`${m.file}: other values`);
        } finally {
          await src.close();
        }
      } catch (e) {
        const complex =
          COMPLEX.includes(m.type) &&
          String(e).includes(`complex samples (${m.type}); tilecast reads real values (take the amplitude first)`);
        const named = (e as Error).message.startsWith(path); // a refusal names the file
        if (!(complex || (m.md5 === "unreadable" && named))) wrong.push(`${m.file}: ${(e as Error).message}`);
      }
    }
    expect(wrong).toStrictEqual([]);
  }, 180_000);
});
