/**
 * The bundled example job (`npm run demo`): stream the bundled scene through the tile stages
 * into a new GeoTIFF, describe it, and draw a quicklook. Later models replace the copy with a
 * prediction.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeQuicklook } from "../io/png/quicklook.js";
import { inspectPath, openSource } from "../io/registry.js";
import { convertRaster } from "../pipeline/convert.js";

/** The bundled demo scene. */
export const DEMO_SCENE = fileURLToPath(new URL("../../fixtures/demo/scene.s2like.u16.4b.tif", import.meta.url));

/** Run the demo, writing into `outDir`; returns the output paths. */
export async function runDemo(outDir: string): Promise<{ tif: string; json: string; png: string }> {
  await mkdir(outDir, { recursive: true });
  const tif = resolve(join(outDir, "scene.tif"));
  const json = resolve(join(outDir, "scene.json"));
  const png = resolve(join(outDir, "scene.png"));
  const started = Date.now();
  const r = await convertRaster(DEMO_SCENE, tif, {
    tileSize: 128,
    overlap: 16,
    outputTileSize: 256,
  });
  const { info, text } = await inspectPath(tif);
  await writeFile(json, `${JSON.stringify(info, null, 2)}\n`);
  const src = await openSource(tif);
  try {
    const g = await src.readWindow(
      { x: 0, y: 0, width: src.meta.width, height: src.meta.height },
      { bands: [2, 1, 0] },
    );
    await writeQuicklook(g, png);
  } finally {
    await src.close();
  }
  const s = ((Date.now() - started) / 1000).toFixed(2);
  process.stdout.write(
    `${text}\n\nstreamed ${r.tiles} tiles (128 px, 16 px halo) in ${s} s\noutputs:\n  ${tif}\n  ${json}\n  ${png}\n`,
  );
  return { tif, json, png };
}
