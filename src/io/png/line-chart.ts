/**
 * Line charts as PNG: learning curves (loss by epoch), scores by lead time (one line per
 * method). Drawn as SVG and rasterised by sharp (librsvg), written atomically. NaN points break a
 * line; a y range of one value is widened so the line sits mid-chart.
 *
 * @example
 * ```ts
 * import { writeLineChart } from "tilecast/io";
 * await writeLineChart("/tmp/curves.png", {
 *   title: "loss", x: "epoch", y: "loss",
 *   series: [{ name: "train", points: [[1, 0.9], [2, 0.5], [3, 0.4]] }],
 * });
 * ```
 */
import sharp from "sharp";
import { maxOf, minOf } from "../../util/extent.js";
import { atomicWrite } from "../atomic.js";

/** One line: `[x, y]` points in x order. */
export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Dashed (references such as persistence). */
  dashed?: boolean;
}

/** A chart: title, axis labels and the lines. */
export interface LineChart {
  title: string;
  x: string;
  y: string;
  series: readonly ChartSeries[];
  /** Log-scale y (losses spanning decades). */
  logY?: boolean;
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"];
const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : `${+v.toPrecision(3)}`;

function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = minOf(finite);
  let hi = maxOf(finite);
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.5, hi + Math.abs(hi || 1) * 0.5];
  return [lo, hi];
}

/** The chart as SVG text. */
export function lineChartSvg(c: LineChart, width = 720, height = 420): string {
  const left = 70;
  const right = 160;
  const top = 40;
  const bottom = 50;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const ty = (v: number) => (c.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const [x0, x1] = range(c.series.flatMap((s) => s.points.map((p) => p[0])));
  const [y0, y1] = range(c.series.flatMap((s) => s.points.map((p) => ty(p[1]))));
  const X = (v: number) => left + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => top + ph - ((ty(v) - y0) / (y1 - y0)) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="14" font-weight="bold">${esc(c.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`,
    `<text x="${left + pw / 2}" y="${height - 12}" text-anchor="middle">${esc(c.x)}</text>`,
    `<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(c.y)}${c.logY ? " (log)" : ""}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const py = top + ph - (ph * i) / 4;
    const label = c.logY ? fmt(10 ** yv) : fmt(yv);
    out.push(`<line x1="${left}" y1="${py}" x2="${left + pw}" y2="${py}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${py + 4}" text-anchor="end">${label}</text>`);
    const xv = x0 + ((x1 - x0) * i) / 4;
    out.push(`<text x="${X(xv)}" y="${top + ph + 16}" text-anchor="middle">${fmt(xv)}</text>`);
  }
  c.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const dash = s.dashed ? ` stroke-dasharray="6,4"` : "";
    let d = "";
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || (c.logY && y <= 0)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      pen = true;
      out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    }
    if (d) out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    const ly = top + 10 + i * 18;
    out.push(
      `<line x1="${left + pw + 12}" y1="${ly}" x2="${left + pw + 36}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
    );
    out.push(`<text x="${left + pw + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

/** Render a chart to a PNG file (atomically). */
export async function writeLineChart(path: string, c: LineChart): Promise<void> {
  const png = await sharp(Buffer.from(lineChartSvg(c)))
    .png()
    .toBuffer();
  await atomicWrite(path, png);
}
