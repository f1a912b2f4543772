/**
 * The benchmark plot: one bar per comparison (the ratio tilecast / reference, its target marked),
 * and tilecast's peak RSS against scene size. Drawn as SVG and rasterised by sharp (librsvg).
 */
import sharp from "sharp";
import type { Outcome } from "./harness.js";

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export async function plotOutcomes(outcomes: Outcome[], png: string): Promise<void> {
  const bars = outcomes.filter((o) => o.ratio !== null && !o.skipped);
  // Peak RSS of every scene size measured (each memory workload has two: its scene and a smaller one).
  const sizes = new Map<number, number>();
  for (const o of outcomes)
    if (o.scene && !o.skipped) {
      sizes.set(o.scene, o.tilecast.peakRssMb);
      if (o.baseScene && o.reference) sizes.set(o.baseScene, o.reference.peakRssMb);
    }
  const mem = [...sizes].sort((a, b) => a[0] - b[0]).map(([scene, mb]) => ({ scene, tilecast: { peakRssMb: mb } }));
  const W = 900;
  const rowH = 22;
  const left = 420;
  const top = 40;
  const h1 = top + bars.length * rowH + 40;
  const h2 = mem.length > 1 ? 260 : 0;
  const H = h1 + h2 + 10;
  // The axis stops at 3: a 20x bar would squeeze every other one flat (its number is printed).
  const maxRatio = Math.min(
    3,
    Math.max(2, ...bars.map((o) => o.ratio as number), ...bars.map((o) => o.target?.min ?? o.target?.max ?? 0)),
  );
  const x = (r: number) => left + (r / maxRatio) * (W - left - 60);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">tilecast / reference (speed; memory rows: peak RSS), same run</text>`,
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${top + bars.length * rowH}" stroke="#888" stroke-dasharray="3,3"/>`,
    `<text x="${x(1) - 4}" y="${top - 10}" fill="#555">1.0</text>`,
  ];
  bars.forEach((o, i) => {
    const y = top + i * rowH;
    const r = o.ratio as number;
    const colour = o.met === false ? "#d9534f" : o.met ? "#5cb85c" : "#5b8fd9";
    out.push(`<text x="10" y="${y + 15}">${esc(`${o.name} (vs ${o.reference?.tool ?? ""})`.slice(0, 66))}</text>`);
    const end = x(Math.min(r, maxRatio));
    const label = r > maxRatio ? `${r.toFixed(1)} (off the axis)` : r.toFixed(2);
    out.push(
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, end - left)}" height="${rowH - 8}" fill="${colour}"/>`,
    );
    out.push(
      `<text x="${r > maxRatio ? end - 110 : end + 4}" y="${y + 15}" fill="${r > maxRatio ? "white" : "black"}">${label}</text>`,
    );
    const goal = o.target?.min ?? o.target?.max;
    if (goal !== undefined)
      out.push(
        `<line x1="${x(goal)}" y1="${y + 2}" x2="${x(goal)}" y2="${y + rowH - 2}" stroke="black" stroke-width="2"/>`,
      );
  });
  out.push(
    `<text x="10" y="${h1 - 14}" fill="#555">bar: ratio; black tick: target; green met, red missed, blue no target</text>`,
  );
  if (h2) {
    const px = (s: number) =>
      80 +
      ((Math.log2(s) - Math.log2(mem[0]?.scene ?? 1)) /
        Math.max(1, Math.log2((mem.at(-1)?.scene ?? 2) / (mem[0]?.scene ?? 1)))) *
        (W - 160);
    const maxMb = Math.max(...mem.map((o) => o.tilecast.peakRssMb)) * 1.2;
    const py = (mb: number) => h1 + h2 - 40 - (mb / maxMb) * (h2 - 80);
    out.push(
      `<text x="10" y="${h1 + 20}" font-size="15" font-weight="bold">tilecast peak RSS against scene size (streaming: flat)</text>`,
    );
    out.push(`<line x1="60" y1="${py(0)}" x2="${W - 60}" y2="${py(0)}" stroke="#888"/>`);
    mem.forEach((o, i) => {
      const cx = px(o.scene as number);
      const cy = py(o.tilecast.peakRssMb);
      if (i > 0)
        out.push(
          `<line x1="${px(mem[i - 1]?.scene as number)}" y1="${py(mem[i - 1]?.tilecast.peakRssMb as number)}" x2="${cx}" y2="${cy}" stroke="#5b8fd9" stroke-width="2"/>`,
        );
      out.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="#5b8fd9"/>`);
      out.push(`<text x="${cx - 30}" y="${cy - 10}">${o.tilecast.peakRssMb.toFixed(0)} MB</text>`);
      out.push(`<text x="${cx - 30}" y="${py(0) + 18}">${o.scene}²</text>`);
    });
  }
  out.push("</svg>");
  await sharp(Buffer.from(out.join("\n")))
    .png()
    .toFile(png);
}

/** Redraw a results file's plot: node --import tsx bench/plot.ts bench/results/<file>.json */
if (process.argv[1]?.endsWith("plot.ts")) {
  const file = process.argv[2] as string;
  const { readFileSync } = await import("node:fs");
  await plotOutcomes(JSON.parse(readFileSync(file, "utf8")).outcomes as Outcome[], file.replace(/\.json$/, ".png"));
}
