/**
 * `tilecast preview`: a contact sheet of the first few non-empty tiles of a pipeline, each
 * shown before and after its augmentation (same colour stretch, so lighting changes show), with
 * the label raster, when the pipeline has one, overlaid in red. It shows what the model sees.
 *
 * @example
 * ```ts
 * import { loadPipeline, previewPipeline } from "tilecast";
 * await previewPipeline(await loadPipeline("pipelines/scene-identity.yaml"), "/tmp/sheet.png", { tiles: 4 });
 * ```
 */
import { filter, lastValueFrom, type Observable, take, toArray } from "rxjs";
import { renderQuicklook, stretchRanges, writePng } from "../io/png/quicklook.js";
import type { GridSource } from "../io/types.js";
import { augmentTile } from "../stages/augment.js";
import { normalize } from "../stages/normalize.js";
import { readTiles } from "../stages/read-tiles.js";
import type { Tile } from "../stages/tile.js";
import type { Pipeline } from "./config.js";
import { openInput, openLabels, planFor, statsFor } from "./input.js";

/** Options for {@link previewPipeline}. */
export interface PreviewOptions {
  /** Tiles (rows of the sheet; default 4). */
  tiles?: number;
  /** Bands shown as RGB (or one as grey); default the first three. */
  bands?: readonly number[];
}

/** What a preview wrote. */
export interface PreviewResult {
  path: string;
  width: number;
  height: number;
  tiles: number;
}

const GAP = 4;

/** RGBA of a tile, with the label (> 0) blended in red. */
function cell(t: Tile, bands: readonly number[], ranges: [number, number][]) {
  const q = renderQuicklook(t.grid, { bands, maxSize: 4096, ranges });
  const label = t.label;
  if (label) {
    for (let i = 0; i < q.width * q.height; i++) {
      const v = label.data[i] as number;
      const on = v > 0 && v !== label.nodata && (!label.mask || label.mask[i]);
      if (!on) continue;
      q.rgba[4 * i] = Math.round(0.55 * (q.rgba[4 * i] as number) + 0.45 * 255);
      q.rgba[4 * i + 1] = Math.round(0.55 * (q.rgba[4 * i + 1] as number));
      q.rgba[4 * i + 2] = Math.round(0.55 * (q.rgba[4 * i + 2] as number));
      q.rgba[4 * i + 3] = 255;
    }
  }
  return q;
}

/**
 * `tilecast preview`: a contact sheet of the first few non-empty tiles of a pipeline, each shown before and after its augmentation (same colour stretch, so lighting changes show), with the label raster, when the pipeline has one, overlaid...
 * Details and a complete example: the module documentation above.
 */
export async function previewPipeline(p: Pipeline, out: string, o: PreviewOptions = {}): Promise<PreviewResult> {
  const src = await openInput(p);
  let labels: GridSource | null = null;
  try {
    labels = await openLabels(p);
    const plan = planFor(p, src);
    const stats = await statsFor(p, src, plan);
    let tiles: Observable<Tile> = readTiles(src, plan, {
      concurrency: 4,
      skipEmpty: true,
      ...(labels ? { labels } : {}),
      ...(p.input.bands ? { bands: p.input.bands } : {}),
    }).pipe(filter((t) => !t.empty));
    if (stats) tiles = tiles.pipe(normalize(stats, { method: p.normalize?.method ?? "zscore" }));
    const picked = await lastValueFrom(tiles.pipe(take(o.tiles ?? 4), toArray()));
    const rows = picked.map((t) => {
      const nb = t.grid.shape[0] as number;
      const bands = o.bands ?? (nb >= 3 ? [0, 1, 2] : [0]);
      const ranges = stretchRanges(t.grid, bands);
      const after = augmentTile(t, p.augment ?? {});
      t.release();
      return [cell(t, bands, ranges), cell(after, bands, ranges)];
    });
    const cw = Math.max(...rows.flat().map((c) => c.width), 1);
    const ch = Math.max(...rows.flat().map((c) => c.height), 1);
    const width = 2 * cw + 3 * GAP;
    const height = rows.length * (ch + GAP) + GAP;
    const sheet = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) sheet.set([32, 32, 32, 255], 4 * i);
    rows.forEach((row, r) =>
      row.forEach((c, k) => {
        const left = GAP + k * (cw + GAP);
        const top = GAP + r * (ch + GAP);
        for (let y = 0; y < c.height; y++)
          sheet.set(c.rgba.subarray(y * c.width * 4, (y + 1) * c.width * 4), ((top + y) * width + left) * 4);
      }),
    );
    await writePng(sheet, width, height, out);
    return { path: out, width, height, tiles: rows.length };
  } finally {
    await src.close();
    await labels?.close();
  }
}
