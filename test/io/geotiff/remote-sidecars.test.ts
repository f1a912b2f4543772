/**
 * The files GDAL reads beside a GeoTIFF (`.aux.xml`, a world file, `.RPB`, `.msk`) are read beside
 * a URL as beside a local path, as GDAL's /vsicurl/ reads them. They were read for local files
 * only: the same scene over http came out with no CRS, no transform, no nodata, no RPCs and no
 * mask, where GDAL, given the URL, reports them all.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validMask } from "../../../src/grid/grid.js";
import { type GeoTiffMeta, openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { hasGdal, py, pyAsync } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

const dir = tmp("remote-sidecars");
const SIG = "sig=s3cr3t";
/** Every request the server saw: "<mode> <method> <path>". */
const seen: string[] = [];
/** For each answer to a `gate/` file's request: how many of its sidecars had been asked for. */
const answered: number[] = [];
let server: Server;
let base = "";

/**
 * A loopback server of `dir` that honours Range, under a mode: `plain/`; `signed/` (403 without
 * the query token, as an object store's signed URLs); `html/` (a missing file is a 200 HTML page);
 * `flaky/` (every `.aux.xml` is a 503); `big/` (world files are 100 kB, sent without a length);
 * `gate/` (see below).
 */
function serve(
  req: { url?: string; method?: string; headers: { range?: string } },
  res: import("node:http").ServerResponse,
) {
  const url = new URL(req.url ?? "/", "http://x");
  const [, mode = "", ...rest] = url.pathname.split("/");
  const name = decodeURIComponent(rest.join("/"));
  seen.push(`${mode} ${req.method} ${name}`);
  const file = join(dir, name);
  if (mode === "signed" && url.search !== `?${SIG}`) return res.writeHead(403).end();
  if (mode === "flaky" && name.endsWith(".aux.xml")) return res.writeHead(503).end();
  // The file's requests wait until its six sidecars have been asked for (or 3 s have passed).
  if (mode === "gate" && name.endsWith(".tif")) {
    const waited = Date.now();
    const wait = () => {
      const asked = seen.filter((s) => s.startsWith("gate ") && !s.endsWith(".tif")).length;
      if (asked < 6 && Date.now() - waited < 3000) return void setTimeout(wait, 10);
      answered.push(asked);
      send(file, req, res);
    };
    return wait();
  }
  if (mode === "big" && /\.(tfw|wld)$/i.test(name)) {
    res.writeHead(200, { "Content-Type": "text/plain" });
    return res.end(`${"1\n".repeat(50_000)}`);
  }
  send(file, req, res, mode);
}

function send(
  file: string,
  req: { method?: string; headers: { range?: string } },
  res: import("node:http").ServerResponse,
  mode = "",
) {
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (mode === "html") return res.writeHead(200, { "Content-Type": "text/html" }).end("<html>no such page</html>");
    return res.writeHead(404).end();
  }
  const body = readFileSync(file);
  const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
  if (!range)
    return res.writeHead(200, { "Content-Length": body.length }).end(req.method === "HEAD" ? undefined : body);
  const start = Number(range[1]);
  const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
  res.writeHead(206, { "Content-Range": `bytes ${start}-${end}/${body.length}`, "Content-Length": end - start + 1 });
  res.end(body.subarray(start, end + 1));
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!hasGdal) return;
  mkdirSync(dir, { recursive: true });
  // A scene placed only by its world file, with its CRS, nodata and band name in the .aux.xml.
  py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(join(dir, "placed.tif"))}, 40, 30, 1, gdal.GDT_UInt16)
ds.GetRasterBand(1).WriteArray(np.arange(1200, dtype=np.uint16).reshape(30, 40) % 11)
ds = None
print(1)`);
  writeFileSync(join(dir, "placed.tfw"), "10\n0\n0\n-10\n500005\n4000005\n");
  writeFileSync(
    join(dir, "placed.tif.aux.xml"),
    `<PAMDataset><SRS>EPSG:32633</SRS><PAMRasterBand band="1"><NoDataValue>7</NoDataValue><Description>refl</Description></PAMRasterBand></PAMDataset>`,
  );
  // A mask GDAL keeps in a .msk beside the file.
  py(`gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "NO")
ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(join(dir, "masked.tif"))}, 40, 30, 1, gdal.GDT_Byte)
ds.SetGeoTransform([0, 1, 0, 30, 0, -1])
ds.GetRasterBand(1).Fill(5)
ds.CreateMaskBand(gdal.GMF_PER_DATASET)
m = np.zeros((30, 40), dtype=np.uint8); m[5:20, 10:35] = 255
ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
ds = None
print(1)`);
  // RPCs in the .RPB only: GDAL writes the tag too, which the copy drops.
  py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(join(dir, "tagged.tif"))}, 40, 30, 1, gdal.GDT_Byte, ["RPB=YES"])
ds.SetMetadata({"ERR_BIAS": "0.5", "ERR_RAND": "0.1", "LINE_OFF": "15", "SAMP_OFF": "20", "LAT_OFF": "45.5",
  "LONG_OFF": "7.25", "HEIGHT_OFF": "300", "LINE_SCALE": "15", "SAMP_SCALE": "20", "LAT_SCALE": "0.05",
  "LONG_SCALE": "0.07", "HEIGHT_SCALE": "500",
  "LINE_NUM_COEFF": " ".join(str((i + 1) * 0.001) for i in range(20)), "LINE_DEN_COEFF": "1 " + " ".join("0" for i in range(19)),
  "SAMP_NUM_COEFF": " ".join(str((i + 2) * 0.002) for i in range(20)), "SAMP_DEN_COEFF": "1 " + " ".join("0.0001" for i in range(19))}, "RPC")
ds = None
print(1)`);
  editTiff(join(dir, "tagged.tif"), join(dir, "rpc.tif"), [], [50844]);
  writeFileSync(join(dir, "rpc.RPB"), readFileSync(join(dir, "tagged.RPB")));
  // Nothing beside it.
  py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(join(dir, "bare.tif"))}, 8, 6, 1, gdal.GDT_Byte)
ds = None
print(1)`);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  delete process.env.GDAL_DISABLE_READDIR_ON_OPEN;
  delete process.env.TILECAST_HTTP_RETRIES;
});

/** The description (its path taken out) and every pixel and validity of the file at `path`. */
async function outcome(path: string): Promise<{ meta: GeoTiffMeta; pixels: string }> {
  const src = await openGeoTiff(path);
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    const hash = createHash("md5").update(new Uint8Array(g.data.buffer)).update(validMask(g)).digest("hex");
    return { meta: { ...src.meta, path: "FILE" }, pixels: hash };
  } finally {
    await src.close();
  }
}

/** What GDAL reports for `path` (a local path or /vsicurl/ URL): its files, transform, CRS code, nodata, RPCs, mask flags. */
const gdalView = (path: string, config: Record<string, string> = {}) =>
  pyAsync<{
    files: string[];
    gt: number[] | null;
    epsg: string | null;
    nodata: number | null;
    rpc: number;
    mask: number;
  }>(
    `for k, v in ${JSON.stringify(config)}.items(): gdal.SetConfigOption(k, v)
ds = gdal.Open(${JSON.stringify(path)})
srs = ds.GetSpatialRef()
b = ds.GetRasterBand(1)
print(json.dumps({"files": [f.split("/")[-1].split("?")[0] for f in ds.GetFileList()], "gt": ds.GetGeoTransform(can_return_null=True),
  "epsg": srs.GetAuthorityCode(None) if srs else None, "nodata": b.GetNoDataValue(), "rpc": len(ds.GetMetadata("RPC") or {}),
  "mask": b.GetMaskFlags()}))`,
  );

describe.skipIf(!hasGdal)("sidecars beside a URL", () => {
  it.each(["placed", "masked", "rpc"])(
    "%s.tif reads over http as it does locally, and as GDAL's /vsicurl/ does",
    async (name) => {
      const local = await outcome(join(dir, `${name}.tif`));
      const remote = await outcome(`${base}/plain/${name}.tif`);
      expect(remote).toStrictEqual(local);
      // GDAL finds the same files beside the URL as beside the path.
      const url = `/vsicurl/${base}/plain/${name}.tif`;
      expect(await gdalView(url)).toStrictEqual(await gdalView(join(dir, `${name}.tif`)));
      const meta = remote.meta;
      const gdal = await gdalView(url);
      if (name === "placed") {
        expect(gdal.files).toStrictEqual(["placed.tif", "placed.tif.aux.xml", "placed.tfw"]);
        expect(meta.georef?.transform).toStrictEqual(gdal.gt);
        expect(meta.georef?.crs?.epsg).toBe(Number(gdal.epsg));
        expect(meta.nodata).toBe(gdal.nodata);
        expect(meta.attrs.bandNames).toStrictEqual(["refl"]);
      }
      if (name === "masked") {
        expect(gdal.files).toContain("masked.tif.msk");
        expect(gdal.mask).toBe(2); // per dataset
        expect(meta.maskSource).toBe("external");
      }
      if (name === "rpc") {
        expect(gdal.rpc).toBeGreaterThan(0);
        expect(meta.georef?.rpc?.slice(2, 4)).toStrictEqual([15, 20]);
      }
    },
  );

  it("are asked for together with the file's first request, not one after another", async () => {
    // The .aux.xml, four RPC names and the .msk: before the file's head has come back, so that
    // they cost one round trip, where in turn they cost three more (439 ms against 129 ms to open
    // with 100 ms a request; 119 ms with no sidecars looked for).
    const src = await openGeoTiff(`${base}/gate/placed.tif`);
    await src.close();
    expect(answered[0]).toBe(6);
    expect(src.meta.nodata).toBe(7);
  });

  it("beside a signed URL: the sidecars are asked for with the same query", async () => {
    const remote = await outcome(`${base}/signed/placed.tif?${SIG}`);
    expect(remote).toStrictEqual(await outcome(join(dir, "placed.tif")));
    expect(seen).toContain("signed GET placed.tif.aux.xml");
  });

  it("GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR asks for none, as GDAL does", async () => {
    process.env.GDAL_DISABLE_READDIR_ON_OPEN = "EMPTY_DIR";
    seen.length = 0;
    const src = await openGeoTiff(`${base}/plain/placed.tif`);
    await src.close();
    expect(seen.filter((s) => !s.endsWith("placed.tif"))).toStrictEqual([]);
    expect(src.meta.georef).toBeNull();
    expect(src.meta.nodata).toBeNull();
    const gdal = await gdalView(`/vsicurl/${base}/plain/placed.tif`, { GDAL_DISABLE_READDIR_ON_OPEN: "EMPTY_DIR" });
    expect([gdal.gt, gdal.nodata, gdal.files]).toStrictEqual([null, null, ["placed.tif"]]);
  });

  it("a server's HTML page for a missing file is no sidecar", async () => {
    expect(await outcome(`${base}/html/bare.tif`)).toStrictEqual(await outcome(join(dir, "bare.tif")));
    expect(seen).toContain("html GET bare.tif.aux.xml");
  });

  it("a sidecar the server fails to give is an error naming it, not a scene read without it", async () => {
    process.env.TILECAST_HTTP_RETRIES = "0";
    await expect(openGeoTiff(`${base}/flaky/placed.tif`)).rejects.toThrow(
      `${base}/flaky/placed.tif.aux.xml: server answered HTTP 503 (GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR reads no sidecars)`,
    );
    // A world file of 100 kB, sent without its length, is read no further than a world file's limit.
    await expect(openGeoTiff(`${base}/big/bare.tif`)).rejects.toThrow(
      `${base}/big/bare.tfw: it is over 65536 bytes; a file of its kind is under 65536`,
    );
  });
});
