/**
 * The operations page: one HTML document and its script, served as they are (no build step, no
 * CDN). Leaflet draws the map over Natural Earth land and borders (world-atlas, through
 * topojson-client); the rest is plain DOM and SVG. The script reads the token the page was opened
 * with (`?token=`) and sends it with every request.
 */

/** The page. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tilecast operations</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/vendor/leaflet.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f4f6f8; }
  header { padding: 10px 18px; background: #1d2733; color: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  #live { font-size: 12px; color: #9fd49f; }
  main { display: grid; grid-template-columns: minmax(420px, 1fr) minmax(420px, 1fr); gap: 14px; padding: 14px; }
  section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; }
  section h2 { font-size: 15px; margin: 4px 0 8px; }
  .pipeline { margin-bottom: 10px; }
  .cells { display: flex; flex-wrap: wrap; gap: 2px; margin: 4px 0; }
  .cell { width: 14px; height: 22px; border-radius: 2px; cursor: pointer; }
  .ok { background: #2e9d4f; } .late { background: #e8a317; } .failed { background: #d0342c; } .skipped { background: #9aa4ae; }
  .detail { font-size: 12px; color: #445; min-height: 1.4em; white-space: pre-wrap; }
  #map { height: 420px; background: #f3f6f9; border-radius: 4px; }
  .controls { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
  .legend { display: flex; gap: 2px; align-items: center; font-size: 11px; flex-wrap: wrap; }
  .legend span.sw { display: inline-block; width: 18px; height: 12px; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  td, th { padding: 3px 6px; border-bottom: 1px solid #e3e6ea; text-align: left; }
  .bar { background: #e3e6ea; height: 8px; border-radius: 4px; min-width: 80px; }
  .bar > div { background: #2e6fd0; height: 8px; border-radius: 4px; }
  .quicklooks img { height: 120px; margin: 4px; border: 1px solid #ccd; }
  .wide { grid-column: 1 / -1; }
  svg text { font-size: 11px; fill: #445; }
</style>
</head>
<body>
<header><h1>tilecast operations</h1><span id="updated"></span><span id="live"></span></header>
<main>
  <section><h2>Cycles</h2><div id="cycles">loading…</div></section>
  <section><h2>Latest forecast</h2>
    <div class="controls">
      <select id="product"></select>
      <label>lead <input id="lead" type="range" min="0" max="0" value="0"></label>
      <span id="lead-label"></span>
      <button id="play" type="button">play</button>
    </div>
    <div id="map"></div>
    <div class="controls"><span id="units"></span><div id="legend" class="legend"></div></div>
  </section>
  <section><h2>Skill</h2><div id="skill">loading…</div></section>
  <section><h2>Runs and queue</h2><div id="runs">loading…</div><div id="queue"></div></section>
  <section class="wide"><h2>Quicklooks</h2><div id="quicklooks" class="quicklooks"></div></section>
</main>
<script src="/vendor/leaflet.js"></script>
<script src="/vendor/topojson-client.js"></script>
<script src="/app.js"></script>
</body>
</html>
`;

/** The page's script. */
export const PAGE_JS = `"use strict";
const token = new URLSearchParams(location.search).get("token");
const withToken = (u) => (token ? u + (u.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : u);
const get = async (u) => {
  const r = await fetch(withToken(u), token ? { headers: { authorization: "Bearer " + token } } : {});
  if (!r.ok) throw new Error(u + ": " + r.status);
  return r.json();
};
const el = (tag, attrs = {}, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmtLead = (m) => (m % 60 === 0 ? "+" + m / 60 + " h" : "+" + m + " min");
const fmtSeconds = (s) =>
  s < 120 ? s.toFixed(1) + " s" : s < 7200 ? (s / 60).toFixed(1) + " min" : s < 172800 ? (s / 3600).toFixed(1) + " h" : (s / 86400).toFixed(0) + " d";

function drawCycles(list) {
  const box = document.getElementById("cycles");
  box.replaceChildren();
  if (list.length === 0) box.textContent = "no cycle records yet";
  for (const p of list) {
    const div = el("div", { class: "pipeline", "data-pipeline": p.name });
    const counts = Object.entries(p.counts).filter(([, n]) => n > 0).map(([k, n]) => n + " " + k).join(", ");
    const lat = p.medianLatencySeconds === null ? "" : "; median latency " + fmtSeconds(p.medianLatencySeconds);
    div.append(el("b", {}, p.name), el("span", {}, " " + counts + lat));
    const cells = el("div", { class: "cells" });
    const detail = el("div", { class: "detail" });
    for (const c of p.cycles) {
      const info = c.cycle + " " + c.status + "\\nstarted " + c.started + ", took " + fmtSeconds(c.seconds) +
        (c.latencySeconds !== undefined ? ", latency " + fmtSeconds(c.latencySeconds) : "") + (c.error ? "\\n" + c.error : "") + (c.warning ? "\\nwarning: " + c.warning : "");
      const cell = el("div", { class: "cell " + c.status, "data-status": c.status, "data-cycle": c.cycle, title: info });
      cell.addEventListener("click", () => (detail.textContent = info));
      cells.append(cell);
    }
    const problem = [...p.cycles].reverse().find((c) => c.error || c.warning);
    detail.textContent = problem ? "latest problem: " + problem.cycle + " " + problem.status + ": " + (problem.error || "warning: " + problem.warning) : "";
    div.append(cells, detail);
    box.append(div);
  }
  document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
}

const map = L.map("map", { worldCopyJump: true, attributionControl: true }).setView([50, 5], 3);
map.attributionControl.addAttribution("Natural Earth (world-atlas)");
// The product above land and borders (vector layers share the overlay pane otherwise).
map.createPane("product").style.zIndex = "450";
let overlay = null;
let fitted = false;
let productsList = [];
let timer = null;

async function drawBase() {
  const land = await (await fetch(withToken("/vendor/land-110m.json"))).json();
  const countries = await (await fetch(withToken("/vendor/countries-110m.json"))).json();
  L.geoJSON(topojson.feature(land, land.objects.land), { style: { color: "#8a9a7a", weight: 0.6, fillColor: "#e2e5da", fillOpacity: 1 } }).addTo(map);
  L.geoJSON(topojson.mesh(countries, countries.objects.countries, (a, b) => a !== b), { style: { color: "#9a9a9a", weight: 0.5, fill: false } }).addTo(map);
}

async function drawFrame() {
  const p = productsList[Number(document.getElementById("product").value)];
  if (!p) return;
  const lead = Number(document.getElementById("lead").value);
  const q = "product=" + encodeURIComponent(p.id) + "&cycle=" + (p.cycles.length - 1) + "&lead=" + lead;
  const f = await get("/api/frame?" + q);
  if (overlay) overlay.remove();
  overlay = L.imageOverlay(withToken("/api/frame.png?" + q), f.bounds, { opacity: 0.85, className: "product-frame", pane: "product" }).addTo(map);
  const img = overlay.getElement();
  img.dataset.bounds = JSON.stringify(f.bounds);
  img.dataset.lead = String(lead);
  if (!fitted) map.fitBounds(f.bounds);
  fitted = true;
  document.getElementById("lead-label").textContent = p.cycles.at(-1) + " " + fmtLead(p.leadMinutes[lead]);
  document.getElementById("units").textContent = p.variable + " (" + f.units + ")";
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  for (const s of f.legend) legend.append(el("span", { class: "sw", style: "background:" + s.color }), el("span", {}, s.label));
}

async function loadProducts() {
  productsList = await get("/api/products");
  const sel = document.getElementById("product");
  const keep = sel.value;
  sel.replaceChildren(...productsList.map((p, i) => el("option", { value: String(i) }, p.id)));
  if (keep && Number(keep) < productsList.length) sel.value = keep;
  const p = productsList[Number(sel.value)];
  const slider = document.getElementById("lead");
  slider.max = String(p ? p.leadMinutes.length - 1 : 0);
  if (p) await drawFrame();
}

function chart(s) {
  const W = 380, H = 150, pad = 34;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("data-product", s.product);
  const all = [...s.model, ...s.persistence].filter(Number.isFinite);
  const hi = Math.max(...all, 1e-9), lo = Math.min(0, ...all);
  const x = (i) => pad + (i * (W - 2 * pad)) / Math.max(1, s.leadMinutes.length - 1);
  const y = (v) => H - pad + ((lo - v) * (H - 2 * pad)) / (hi - lo);
  const line = (vals, color, name) => {
    const path = document.createElementNS(svg.namespaceURI, "path");
    path.setAttribute("d", vals.map((v, i) => (i ? "L" : "M") + x(i) + "," + y(v)).join(" "));
    path.setAttribute("stroke", color); path.setAttribute("fill", "none"); path.setAttribute("stroke-width", "2");
    path.setAttribute("data-method", name);
    svg.append(path);
  };
  line(s.persistence, "#9aa4ae", "persistence");
  line(s.model, "#2e6fd0", "model");
  const text = (t, tx, ty) => { const e = document.createElementNS(svg.namespaceURI, "text"); e.setAttribute("x", tx); e.setAttribute("y", ty); e.textContent = t; svg.append(e); };
  s.leadMinutes.forEach((m, i) => text(fmtLead(m), x(i) - 12, H - 10));
  text(hi.toPrecision(2), 2, pad); text(lo.toPrecision(2), 2, H - pad);
  text("— model", W - 110, 14); text("— persistence", W - 110, 28);
  return svg;
}

async function loadSkill() {
  const box = document.getElementById("skill");
  const list = await get("/api/skill");
  box.replaceChildren();
  if (list.length === 0) box.textContent = "no forecasts to score yet";
  for (const s of list) {
    box.append(el("div", {}, s.pipeline + ": " + (s.error ? s.error : s.metric + " over " + s.cycles + " cycles, model (blue) beside persistence (grey)")));
    if (!s.error) box.append(chart(s));
  }
}

async function loadRuns() {
  const [shown, queue, looks] = await Promise.all([get("/api/runs"), get("/api/queue"), get("/api/quicklooks")]);
  const runs = shown.runs;
  const box = document.getElementById("runs");
  box.replaceChildren();
  const t = el("table");
  t.append(el("tr", {}, ""));
  t.firstChild.append(el("th", {}, "output"), el("th", {}, "parts"), el("th", {}, "state"));
  for (const r of runs) {
    const tr = el("tr", { "data-output": r.output });
    const bar = el("div", { class: "bar" });
    bar.append(el("div", { style: "width:" + (100 * r.partsDone) / Math.max(1, r.partsTotal) + "%" }));
    const cell = el("td", {}, r.partsDone + " / " + r.partsTotal);
    cell.append(bar);
    tr.append(el("td", {}, r.output.split("/").slice(-2).join("/")), cell, el("td", {}, r.complete ? "complete" : "unfinished"));
    t.append(tr);
  }
  box.append(runs.length ? t : el("div", {}, "no runs under the root"));
  if (shown.total > runs.length)
    box.append(el("div", { id: "runs-more" }, "newest " + runs.length + " of " + shown.total + " runs; " + shown.complete + " complete"));
  document.getElementById("queue").textContent = queue
    ? "queue: " + Object.entries(queue.counts).map(([k, v]) => v + " " + k).join(", ")
    : "";
  const ql = document.getElementById("quicklooks");
  ql.replaceChildren(...looks.map((q) => el("img", { src: withToken("/files/" + q.id.split("/").map(encodeURIComponent).join("/")), title: q.id + " " + q.mtime, alt: q.id })));
}

document.getElementById("product").addEventListener("change", () => loadProducts());
document.getElementById("lead").addEventListener("input", () => drawFrame());
document.getElementById("play").addEventListener("click", (e) => {
  if (timer) { clearInterval(timer); timer = null; e.target.textContent = "play"; return; }
  e.target.textContent = "stop";
  timer = setInterval(() => {
    const s = document.getElementById("lead");
    s.value = String((Number(s.value) + 1) % (Number(s.max) + 1));
    drawFrame();
  }, 900);
});

const events = new EventSource(withToken("/events"));
events.addEventListener("open", () => (document.getElementById("live").textContent = "live"));
events.addEventListener("error", () => (document.getElementById("live").textContent = "reconnecting…"));
events.addEventListener("cycles", (e) => {
  drawCycles(JSON.parse(e.data));
  loadProducts(); loadSkill(); loadRuns();
});

(async () => {
  await drawBase();
  drawCycles(await get("/api/cycles"));
  await Promise.all([loadProducts(), loadSkill(), loadRuns()]);
  document.body.dataset.ready = "1";
  // Runs and the queue change between cycles: look again every 10 s.
  setInterval(() => loadRuns().catch(() => {}), 10000);
})();
`;
