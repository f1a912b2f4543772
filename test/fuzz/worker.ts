/**
 * Runs tilecast on fuzz cases, one after another, printing one JSON line per case as it finishes
 * (so the harness sees progress and can kill a hang): `{ id, ok, md5, gt | code, message, rssMB }`.
 * Reads every band of the whole raster, as `convert` would, under a small memory budget.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isTilecastError } from "../../src/errors.js";
import { openSource } from "../../src/io/registry.js";
import type { Case } from "./mutate.js";

const [file, from = "0"] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(file as string, "utf8")) as Case[];

for (const c of cases.slice(Number(from))) {
  let line: Record<string, unknown>;
  try {
    const src = await openSource(c.path, c.variable ? { variable: c.variable } : {});
    try {
      const m = src.meta;
      const g = await src.readWindow({ x: 0, y: 0, width: m.width, height: m.height });
      const d = g.data;
      const md5 = createHash("md5")
        .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
        .digest("hex");
      // The geotransform as GDAL reports it: none where tilecast keeps a CRS with the identity.
      const t = m.georef?.transform ?? null;
      const gt = t && t.join() !== "0,1,0,0,0,1" ? t : null;
      line = { id: c.id, ok: true, md5, dtype: g.dtype, shape: g.shape, gt };
    } finally {
      await src.close();
    }
  } catch (e) {
    line = isTilecastError(e)
      ? { id: c.id, ok: false, tilecast: true, code: e.code, message: e.message }
      : {
          id: c.id,
          ok: false,
          tilecast: false,
          message: String((e as Error)?.stack ?? e)
            .split("\n")
            .slice(0, 3)
            .join(" | "),
        };
  }
  line.rssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  process.stdout.write(`${JSON.stringify(line)}\n`);
  // Start the next case in a fresh process once this one grew, so each case's memory is its own.
  if ((line.rssMB as number) > 600) process.exit(3);
}
