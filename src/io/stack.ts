/**
 * Several variables of one store read as the bands of one raster, in the order given: a Sentinel-2
 * product whose bands are variables (`b02`, `b03`, `b04`, `b08`, as ESA's Zarr format keeps them),
 * or the fields of a weather model (`t2m`, `u10`, `v10`) as a model's input channels. Each
 * variable keeps its own bands (a time axis, say) one after another; the bands are named by
 * the variable (`t2m`), or by variable and band (`t2m:2024-01-01T00:00:00.000Z`) where it has
 * several, and keep their variable's unit, scale, offset and descriptive attributes
 * (`stack-attrs.ts`), and its name (`bandVariables`), by which a Zarr output writes each variable
 * back as its own (`zarr/band-variables.ts`).
 *
 * The variables must lie on one grid: the same size, transform and CRS; a variable off it is an
 * error naming both. Values keep their type where every variable has the same type and nodata;
 * otherwise they are widened to float32 (float64 where a variable holds float64 or 32-bit
 * integers) with NaN for each variable's missing cells; a packed variable (read as stored by
 * `convert`) is then unpacked first, since a float band holds its values themselves.
 *
 * @example
 * ```ts
 * import { openSource, stackSources } from "tilecast/io";
 * const path = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";
 * const [a, b] = await Promise.all([0, 1].map((t) => openSource(path, { variable: "t2m", index: { time: t } })));
 * const s = stackSources([a, b], ["t0", "t1"]);
 * console.log(s.meta.bands, s.meta.attrs.bandNames); // 2 ["t0", "t1"]
 * await s.close();
 * ```
 */
import { TilecastError } from "../errors.js";
import { allocate, type DType } from "../grid/dtype.js";
import { createGrid, type Grid, selectBands, windowGeoref } from "../grid/grid.js";
import { gridMismatch } from "../grid/grid-match.js";
import type { Window } from "../grid/window.js";
import { stackAttrs } from "./stack-attrs.js";
import type { GridSource, RasterMeta, ReadOptions } from "./types.js";
import { unpackSource } from "./unpack.js";

/** An error naming `name` and how it is off `first`'s grid, or nothing when it is on it. */
function checkOnGrid(first: RasterMeta, firstName: string, m: RasterMeta, name: string): void {
  const fail = (what: string) => {
    throw new TilecastError("E_ARGUMENT", `variable '${name}' is not on '${firstName}''s grid: ${what}`, {
      path: m.path,
    });
  };
  const [a, b] = [first.georef, m.georef];
  switch (gridMismatch(first, m)) {
    case "size":
      return fail(`${m.width} x ${m.height} cells, '${firstName}' ${first.width} x ${first.height}`);
    case "georef":
      return fail(a ? "no georeferencing" : `georeferenced, '${firstName}' is not`);
    case "transform":
      return fail(`transform [${b?.transform.join(", ")}], '${firstName}' [${a?.transform.join(", ")}]`);
    case "crs":
      return fail("another CRS");
  }
}

/** Whether every variable has the first's type and nodata, so that the stack keeps them. */
const sameType = (metas: readonly RasterMeta[]): boolean =>
  metas.every((m) => m.dtype === metas[0]?.dtype && Object.is(m.nodata, metas[0]?.nodata));

/** The type the stack is read in: the variables' own, or the float that holds them all. */
function stackType(metas: readonly RasterMeta[]): { dtype: DType; nodata: number | null } {
  const [first] = metas as [RasterMeta];
  if (sameType(metas)) return { dtype: first.dtype, nodata: first.nodata };
  const wide = metas.some((m) => ["float64", "int32", "uint32"].includes(m.dtype));
  return { dtype: wide ? "float64" : "float32", nodata: Number.NaN };
}

/** `sources` as one raster of their bands, named by `names`; see the module documentation. */
export function stackSources(given: readonly GridSource[], names: readonly string[]): GridSource {
  const sources = sameType(given.map((s) => s.meta)) ? given : given.map(unpackSource);
  const first = sources[0];
  if (!first || names.length !== sources.length)
    throw new TilecastError("E_ARGUMENT", "a stack needs one name per variable, and one variable at least");
  for (let i = 1; i < sources.length; i++)
    checkOnGrid(first.meta, names[0] as string, (sources[i] as GridSource).meta, names[i] as string);
  const metas = sources.map((s) => s.meta);
  const { dtype, nodata } = stackType(metas);
  // Each output band: its source and the source's own band.
  const where = metas.flatMap((m, s) => Array.from({ length: m.bands }, (_, b) => ({ s, b })));
  const bandNames = metas.flatMap((m, s) =>
    m.bands === 1
      ? [names[s] as string]
      : Array.from({ length: m.bands }, (_, b) => `${names[s]}:${m.attrs.bandNames?.[b] ?? b + 1}`),
  );
  const meta: RasterMeta = {
    ...first.meta,
    bands: where.length,
    dtype,
    nodata,
    periodicX: metas.every((m) => m.periodicX),
    attrs: stackAttrs(metas, names, bandNames),
  };
  return {
    meta,
    close: async () => {
      await Promise.all(sources.map((s) => s.close()));
    },
    async readWindow(w: Window, o: ReadOptions = {}): Promise<Grid> {
      const bands = o.bands ?? where.map((_, i) => i);
      const plane = w.width * w.height;
      const out = allocate(dtype, bands.length * plane);
      const mask = nodata === null ? new Uint8Array(out.length) : null;
      // One read per variable, of the bands asked of it.
      const asked = sources.map((_, s) => bands.flatMap((b, i) => (where[b]?.s === s ? [{ i, b: where[b].b }] : [])));
      await Promise.all(
        asked.map(async (list, s) => {
          if (!list.length) return;
          const src = sources[s] as GridSource;
          const g = await src.readWindow(w, { bands: list.map((l) => l.b), ...(o.signal ? { signal: o.signal } : {}) });
          const own = src.meta.nodata;
          list.forEach(({ i }, k) => {
            const at = k * plane;
            const dst = i * plane;
            for (let c = 0; c < plane; c++) {
              const v = g.data[at + c] as number;
              const valid = (!g.mask || g.mask[at + c] === 1) && !(own !== null && (v === own || Number.isNaN(v)));
              if (mask) {
                out[dst + c] = v;
                mask[dst + c] = valid ? 1 : 0;
              } else out[dst + c] = valid ? v : (nodata as number);
            }
          });
        }),
      );
      return createGrid(dtype, [bands.length, w.height, w.width], {
        data: out,
        georef: meta.georef ? windowGeoref(meta.georef, w) : null,
        nodata,
        mask,
        attrs: selectBands(meta.attrs, bands),
      });
    },
  };
}
