/**
 * What a run makes besides its main output, gathered as the stream passes so nothing is read
 * twice: the class raster (`output.classes`: uint8, the arg-max of the probabilities, 255 where
 * they are missing), written block by block beside the main output and committed with it; and
 * the quicklook (`output.quicklook`). With a class raster the quicklook shows the classes over
 * the input image (its red, green and blue bands by name, else its first three), sampled from
 * the tiles as they are read; without one it shows the output itself.
 */
import { classify } from "../grid/classes.js";
import { createGrid, type Grid } from "../grid/grid.js";
import type { Window } from "../grid/window.js";
import { classColorTable, writeClassOverlay } from "../io/png/class-overlay.js";
import { QuicklookSampler } from "../io/png/quicklook-sampler.js";
import { createSink } from "../io/registry.js";
import { teeSink } from "../io/tee-sink.js";
import type { GridSink, RasterMeta, SinkSpec } from "../io/types.js";
import type { PipelineOutput } from "./config.js";
import { outputPacking } from "./output-spec.js";

interface Region {
  readonly window: Window;
  readonly grid: Grid;
}

/** The bands of `names` (the tile's bands, in order) to show as RGB. */
export function rgbBands(names: readonly (string | null | undefined)[], count: number): number[] {
  const at = (n: string) => names.findIndex((x) => x?.toLowerCase() === n);
  const rgb = [at("red"), at("green"), at("blue")];
  if (rgb.every((i) => i >= 0)) return rgb;
  return count >= 3 ? [0, 1, 2] : [0];
}

/**
 * The class raster's category names: the probabilities' band names (the model card's), and for
 * one band of probabilities its two classes, "not NAME" and NAME. None where a band is unnamed.
 */
export function classNames(spec: Pick<SinkSpec, "bands" | "attrs">): { categoryNames?: string[] } {
  const names = spec.attrs?.bandNames?.slice(0, spec.bands) ?? [];
  if (names.length !== spec.bands || !names.every((n): n is string => Boolean(n))) return {};
  return { categoryNames: names.length === 1 ? [`not ${names[0]}`, names[0] as string] : [...names] };
}

/** A run's class raster and quicklook; see the module documentation. */
export class RunProducts {
  #image: QuicklookSampler | null = null;
  /** With a class raster: the probabilities at the quicklook's cells, classified at the end. */
  #probabilities: QuicklookSampler | null = null;
  #plain: QuicklookSampler | null = null;
  readonly #output: PipelineOutput;
  readonly #meta: RasterMeta;

  /** `bands`: the source bands the tiles carry (default all). */
  constructor(output: PipelineOutput, meta: RasterMeta, bands?: readonly number[]) {
    this.#output = output;
    this.#meta = meta;
    if (output.classes && output.quicklook) {
      const chosen = bands ?? Array.from({ length: meta.bands }, (_, i) => i);
      const names = chosen.map((b) => meta.attrs.bandNames?.[b]);
      this.#image = new QuicklookSampler(meta.width, meta.height, chosen.length, {
        bands: rgbBands(names, chosen.length),
      });
    }
  }

  /** An input tile as read (before normalization). */
  onTile(t: Region): void {
    this.#image?.add(t);
  }

  /** The input's quicklook cells in `window` (to keep with a part), or null when none are shown. */
  imageCells(window: Window): Uint8Array | null {
    return this.#image?.cells(window) ?? null;
  }

  /** Put back input quicklook cells kept with a part. */
  putImageCells(window: Window, bytes: Uint8Array): void {
    this.#image?.putCells(window, bytes);
  }

  /** A stitched output region. */
  onRegion(r: Region): void {
    this.#outputSampler(r.grid.shape[0] as number)?.add(r);
  }

  /**
   * The output's quicklook cells in `window`, or null when none are shown: kept with a part whose
   * blocks are kept as the output stored them, since those are not read back as cells.
   */
  outputCells(window: Window): Uint8Array | null {
    return (this.#probabilities ?? this.#plain)?.cells(window) ?? null;
  }

  /** Put back output quicklook cells kept with a part of a `bands`-band output. */
  putOutputCells(window: Window, bytes: Uint8Array, bands: number): void {
    this.#outputSampler(bands)?.putCells(window, bytes);
  }

  /** The sampler of the output's quicklook cells (made for `bands` bands), or null when none is drawn. */
  #outputSampler(bands: number): QuicklookSampler | null {
    if (this.#image) {
      // Classes are per cell, so classifying the sampled cells at the end draws the same classes
      // as sampling each region's classes, without an arg-max over every region.
      this.#probabilities ??= new QuicklookSampler(this.#meta.width, this.#meta.height, bands, {
        bands: Array.from({ length: bands }, (_, b) => b),
      });
      return this.#probabilities;
    }
    if (!this.#output.quicklook) return null;
    this.#plain ??= new QuicklookSampler(this.#meta.width, this.#meta.height, bands);
    return this.#plain;
  }

  /** The output sink for `spec` (with the class raster teed off when asked). */
  async sink(spec: SinkSpec): Promise<GridSink> {
    const o = this.#output;
    const options = { ...(o.block !== undefined ? { tileSize: o.block } : {}), format: o.format, ...o.options };
    const main = await createSink(o.path, spec, options);
    if (!o.classes) return main;
    const { blockWidth } = main.blockGrid;
    let classes: GridSink;
    // The classes' own raster: missing classes are 255 (not a mask), and the probabilities' band
    // names and packing are not theirs.
    const { attrs: _probabilities, ...shared } = spec;
    try {
      classes = await createSink(
        o.classes,
        {
          ...shared,
          bands: 1,
          dtype: "uint8",
          nodata: 255,
          mask: false,
          // One band of probabilities is two classes (p >= 0.5 or not).
          attrs: { colorTable: classColorTable(Math.max(2, spec.bands)), ...classNames(spec) },
        },
        { tileSize: blockWidth },
      );
    } catch (e) {
      await main.abort();
      throw e;
    }
    return teeSink(main, classes, (b) => classify(b, this.#classOptions()));
  }

  /** One band's threshold (p ≥ 0.5) in the output's stored values: packed when it is packed. */
  #classOptions(): { threshold?: number } {
    const p = outputPacking(this.#output);
    return p ? { threshold: (0.5 - p.offset) / p.scale } : {};
  }

  /** The classes at the quicklook's cells (all missing when no region arrived). */
  #sampledClasses(image: Grid): Grid {
    if (this.#probabilities) return classify(this.#probabilities.sample, this.#classOptions());
    const [, h, w] = image.shape as [number, number, number];
    return createGrid("uint8", [1, h, w], { data: new Uint8Array(h * w).fill(255), nodata: 255 });
  }

  /** Write the quicklook; its path, or null when there is none. */
  async finish(): Promise<string | null> {
    const path = this.#output.quicklook;
    if (!path) return null;
    if (this.#image) {
      await writeClassOverlay(path, this.#image.sample, this.#sampledClasses(this.#image.sample));
      return path;
    }
    if (!this.#plain) return null;
    await this.#plain.write(path);
    return path;
  }
}
