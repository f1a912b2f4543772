/**
 * One lead time of a forecast product drawn for a web map: the field reprojected from its CRS to
 * Web Mercator (EPSG:3857, what Leaflet's image overlays stretch linearly), coloured by a
 * palette in the field's units, as a PNG with its latitude/longitude bounds and its legend.
 * Cells with no data, and rain below the palette's first step, are transparent.
 *
 * Reprojection is exact per output pixel (nearest source cell): each Mercator pixel centre goes
 * to longitude/latitude and then, through proj4, to the product's CRS. A longitude/latitude grid
 * keeps its own longitude range (0..360 or -180..180) in the bounds.
 */
import sharp from "sharp";
import { isGeographic, proj4Definition } from "../../grid/crs.js";
import { worldToPixel } from "../../grid/geotransform.js";
import type { Georef } from "../../grid/grid.js";
import { converter } from "../../grid/proj4-transform.js";

/** A legend entry: a colour and what it stands for. */
export interface LegendStep {
  color: string;
  label: string;
}

/** A drawn frame. */
export interface Frame {
  png: Buffer;
  /** `[[south, west], [north, east]]`, degrees. */
  bounds: [[number, number], [number, number]];
  legend: LegendStep[];
  units: string;
}

type Rgb = [number, number, number];

/** Rain rate (mm/h): KNMI-like steps; below the first step is transparent. */
const RAIN: [number, Rgb][] = [
  [0.1, [150, 195, 250]],
  [0.5, [120, 170, 250]],
  [1, [40, 110, 230]],
  [2, [30, 170, 80]],
  [5, [250, 220, 40]],
  [10, [250, 130, 30]],
  [20, [220, 30, 30]],
  [50, [150, 20, 160]],
];

/** A continuous palette (blue to red) over `[lo, hi]` for other fields, in 8 steps. */
function ramp(lo: number, hi: number): [number, Rgb][] {
  const stops: Rgb[] = [
    [49, 54, 149],
    [69, 117, 180],
    [116, 173, 209],
    [171, 217, 233],
    [254, 224, 144],
    [253, 174, 97],
    [244, 109, 67],
    [165, 0, 38],
  ];
  return stops.map((c, i) => [lo + ((hi - lo) * i) / stops.length, c]);
}

const hex = (c: Rgb) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
const isRain = (units: string) => /mm\s*(h-1|\/h|hr-1)/i.test(units);

/** Draw `data` (`height x width`, row-major) on `georef` as a Web Mercator PNG about `size` px wide. */
export async function drawFrame(
  data: Float32Array,
  width: number,
  height: number,
  georef: Georef,
  units: string,
  size = 640,
): Promise<Frame> {
  const gt = georef.transform;
  // Longitude/latitude grids keep their own longitudes (0..360 as well as -180..180): proj4
  // would wrap them into -180..180 and fold the map. Other CRSs go through proj4.
  const geographic = georef.crs === null || isGeographic(georef.crs);
  const def = georef.crs ? proj4Definition(georef.crs) : "EPSG:4326";
  const conv = converter(def, "EPSG:4326"); // parsed once: a converter per pixel would parse per pixel
  const toLonLat = geographic ? (p: [number, number]) => p : (p: [number, number]) => conv.forward(p);
  const west0 = Math.min(gt[0], gt[0] + width * gt[1]);
  const fromLonLat = geographic
    ? ([lon, lat]: [number, number]): [number, number] => [west0 + ((((lon - west0) % 360) + 360) % 360), lat]
    : (p: [number, number]) => conv.inverse(p);
  // The grid's bounds in longitude/latitude, from points along its edges.
  let [w, s, e, n] = [Number.POSITIVE_INFINITY, 90, Number.NEGATIVE_INFINITY, -90];
  for (let i = 0; i <= 32; i++)
    for (const [c, r] of [
      [(i / 32) * width, 0],
      [(i / 32) * width, height],
      [0, (i / 32) * height],
      [width, (i / 32) * height],
    ] as [number, number][]) {
      const [lon, lat] = toLonLat([gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]]);
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
      [w, s, e, n] = [Math.min(w, lon), Math.min(s, lat), Math.max(e, lon), Math.max(n, lat)];
    }
  s = Math.max(s, -85);
  n = Math.min(n, 85);
  // Web Mercator (EPSG:3857) by its formulas, without wrapping longitude.
  const R = 6378137;
  const rad = Math.PI / 180;
  const [x0, x1] = [R * w * rad, R * e * rad];
  const [y0, y1] = [s, n].map((lat) => R * Math.log(Math.tan(Math.PI / 4 + (lat * rad) / 2))) as [number, number];
  const ow = size;
  const oh = Math.max(1, Math.round((size * (y1 - y0)) / (x1 - x0)));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of data)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const rain = isRain(units);
  const palette = rain ? RAIN : ramp(lo, hi === lo ? lo + 1 : hi);
  const rgba = Buffer.alloc(ow * oh * 4);
  for (let j = 0; j < oh; j++)
    for (let i = 0; i < ow; i++) {
      const lon = (x0 + ((i + 0.5) / ow) * (x1 - x0)) / R / rad;
      const lat = (2 * Math.atan(Math.exp((y1 - ((j + 0.5) / oh) * (y1 - y0)) / R)) - Math.PI / 2) / rad;
      const [X, Y] = fromLonLat([lon, lat]);
      const [c, r] = worldToPixel(georef.transform, X, Y);
      const col = Math.floor(c);
      const row = Math.floor(r);
      if (!(col >= 0 && col < width && row >= 0 && row < height)) continue;
      const v = data[row * width + col] as number;
      if (!Number.isFinite(v) || (rain && v < (RAIN[0]?.[0] as number))) continue;
      let k = 0;
      while (k + 1 < palette.length && v >= (palette[k + 1]?.[0] as number)) k++;
      const [cr, cg, cb] = (palette[k] as [number, Rgb])[1];
      rgba.set([cr, cg, cb, 220], (j * ow + i) * 4);
    }
  const png = await sharp(rgba, { raw: { width: ow, height: oh, channels: 4 } })
    .png()
    .toBuffer();
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());
  return {
    png,
    bounds: [
      [s, w],
      [n, e],
    ],
    legend: palette.map(([v, c]) => ({ color: hex(c), label: `${rain ? "≥ " : ""}${fmt(v)}` })),
    units,
  };
}
