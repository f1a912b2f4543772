/**
 * The operations page: HTTP safety (paths under the root only, the token, read-only), and the
 * page itself in Debian's Chromium (playwright-core) over a root prepared by running the radar
 * nowcast for a few cycles, one failed and one skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runs, skill } from "../../src/ops/serve/data.js";
import { createOpsServer } from "../../src/ops/serve/server.js";
import { BIN, tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium: boolean = (() => {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.TILECAST_REQUIRE_CHROMIUM === "1") throw new Error("chromium is required (apt-get install chromium)");
  return false;
})();

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(o: Parameters<typeof createOpsServer>[0]): Promise<number> {
  const s = createOpsServer(o);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  return (s.address() as AddressInfo).port;
}

/** A raw GET (the path sent as written, `..` included), with optional headers. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("tilecast serve: safety", () => {
  const root = dirname(tmp("x"));
  const outside = dirname(tmp("x"));
  writeFileSync(join(outside, "secret.txt"), "do not serve\n");
  mkdirSync(join(root, "out"), { recursive: true });
  writeFileSync(join(root, "out", "notes.txt"), "served\n");
  symlinkSync(outside, join(root, "out", "escape"));

  it("serves files under the root and nothing else: no .., no encoded .., no symlink out", async () => {
    const port = await serve({ root });
    expect(await get(port, "/files/out/notes.txt")).toStrictEqual({ status: 200, body: "served\n" });
    for (const path of [
      `/files/../${basename(outside)}/secret.txt`,
      `/files/out/../../${basename(outside)}/secret.txt`,
      `/files/%2e%2e/${basename(outside)}/secret.txt`,
      `/files/out%2f..%2f..%2f${basename(outside)}%2fsecret.txt`,
      "/files/out/escape/secret.txt",
      `/files/${encodeURIComponent(join(outside, "secret.txt"))}`,
    ]) {
      const r = await get(port, path);
      expect([path, r.status]).toStrictEqual([path, 404]);
      expect(r.body).not.toContain("do not serve");
    }
    expect((await get(port, "/api/cycles", {}, "POST")).status).toBe(405);
  });

  it("with a token, every request needs it (header or ?token=); off loopback, a token is required", async () => {
    const port = await serve({ root, token: "t0ken" });
    expect((await get(port, "/api/runs")).status).toBe(401);
    expect((await get(port, "/api/runs", { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get(port, "/files/out/notes.txt")).status).toBe(401);
    expect((await get(port, "/api/runs", { authorization: "Bearer t0ken" })).status).toBe(200);
    expect((await get(port, "/api/runs?token=t0ken")).status).toBe(200);
    const saved = process.env.TILECAST_SERVE_TOKEN;
    delete process.env.TILECAST_SERVE_TOKEN;
    expect(() => createOpsServer({ root, host: "0.0.0.0" })).toThrow(
      "--host 0.0.0.0: serving beyond this machine needs TILECAST_SERVE_TOKEN",
    );
    if (saved !== undefined) process.env.TILECAST_SERVE_TOKEN = saved;
  });
});

describe("tilecast serve: the command", () => {
  it("prints its address and serves the page; off loopback without a token it refuses, exit 2", async () => {
    const root = dirname(tmp("x"));
    const child = spawn(process.execPath, [BIN, "serve", "--root", root, "--port", "0"]);
    try {
      const line = await new Promise<string>((done) => child.stderr.on("data", (d) => done(String(d))));
      const url = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      expect(url, line).not.toBeNull();
      const page = await get(Number(url?.[1]), "/");
      expect(page.status).toBe(200);
      expect(page.body).toContain("<title>tilecast operations</title>");
    } finally {
      child.kill("SIGTERM");
    }
    const env = { ...process.env };
    delete env.TILECAST_SERVE_TOKEN;
    const r = spawnSync(process.execPath, [BIN, "serve", "--root", root, "--host", "0.0.0.0"], {
      encoding: "utf8",
      env,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("tilecast: --host 0.0.0.0: serving beyond this machine needs TILECAST_SERVE_TOKEN");
  });
});

describe.skipIf(!hasChromium)("tilecast serve: the page in Chromium", () => {
  const root = dirname(tmp("x"));
  const state = join(root, "state");
  const store = join(root, "radar-nowcast.zarr");
  const cycle = (t: string, ...extra: string[]) =>
    tilecast(
      "run",
      "pipelines/radar-nowcast.yaml",
      "--cycle",
      t,
      "--state",
      state,
      "--set",
      `output.path=${store}`,
      ...extra,
    );

  it("shows the cycles, the product in its place, a lead slider, skill beside persistence, and new cycles live", async () => {
    for (const t of ["2010-08-26T06:00Z", "2010-08-26T06:05Z", "2010-08-26T06:10Z"]) expect(cycle(t).code).toBe(0);
    expect(cycle("2010-08-26T06:15Z", "--set", `model.path=${root}/no-model`).code).toBe(1); // failed
    // Skipped: another run holds the pipeline's lock (a live process: this one).
    mkdirSync(join(state, "radar-nowcast"), { recursive: true });
    const lock = join(state, "radar-nowcast", "lock");
    const stamp = new Date().toISOString();
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        host: (await import("node:os")).hostname(),
        owner: "x",
        acquired: stamp,
        heartbeat: stamp,
      }),
    );
    const skipped = cycle("2010-08-26T06:20Z");
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(3);
    spawnSync("rm", ["-f", lock]);

    // A segmentation run done, and one half done (a shard of two), for the runs table and quicklooks.
    const seg = (name: string, ...extra: string[]) =>
      tilecast(
        "run",
        "pipelines/scene-seg.yaml",
        "-q",
        "--set",
        `output.path=${root}/seg/${name}.tif`,
        "--set",
        `output.classes=${root}/seg/${name}.classes.tif`,
        "--set",
        `output.quicklook=${root}/seg/${name}.png`,
        ...["--set", "tiling.parts.width=128", "--set", "tiling.parts.height=128", "--set", "output.block=64"],
        ...extra,
      );
    expect(seg("done").code).toBe(0);
    expect(seg("half", "--shard", "0/2").code).toBe(0);
    // Skill over the newest cycle only, then over all three: the newest alone scores fewer events.
    const [one] = await skill(state, root, 1);
    const [all] = await skill(state, root);
    expect([one?.cycles, all?.cycles]).toStrictEqual([1, 3]);
    expect(one?.model).not.toStrictEqual(all?.model);
    // Only the newest records are read (a year of 5-minute cycles is 105 000): with 600 older
    // ones, the oldest not a record at all (read, it would fail), skill is the same.
    const older = join(root, "state-older");
    cpSync(state, older, { recursive: true });
    const records = join(older, "radar-nowcast", "cycles");
    writeFileSync(join(records, "1999-12-31T0000Z.json"), "not a record");
    const base = Date.parse("2000-01-01T00:00Z");
    for (let i = 0; i < 600; i++) {
      const at = new Date(base + i * 300_000).toISOString();
      const r = { name: "radar-nowcast", cycle: at, status: "skipped", started: at, finished: at, seconds: 0 };
      writeFileSync(join(records, `${at.replace(/:/g, "").replace(/\.\d+Z$/, "Z")}.json`), JSON.stringify(r));
    }
    expect(await skill(older, root)).toStrictEqual(await skill(state, root));
    // The page gets counts of every run and the newest in full (a batch has thousands).
    const newest = await runs(root, 1);
    expect([newest.total, newest.complete, newest.runs.length]).toStrictEqual([2, 1, 1]);
    const port = await serve({ root, state });
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForSelector("body[data-ready='1']", { timeout: 60_000 });
      // The timeline: three ok, one failed (its error shown), one skipped.
      const statuses = await page.$$eval(".cell", (cells) => cells.map((c) => c.getAttribute("data-status")));
      expect(statuses).toStrictEqual(["ok", "ok", "ok", "failed", "skipped"]);
      expect(await page.textContent(".detail")).toContain(
        "2010-08-26T06:20:00.000Z skipped: another run of radar-nowcast holds the lock",
      );
      // The map: the newest cycle's first lead, over the Netherlands (the KNMI composite's bounds).
      const frame = page.locator("img.product-frame");
      await frame.waitFor();
      const bounds = JSON.parse((await frame.getAttribute("data-bounds")) as string) as [
        [number, number],
        [number, number],
      ];
      expect(bounds[0][0]).toBeGreaterThan(48.5);
      expect(bounds[0][0]).toBeLessThan(50.7); // south of Maastricht
      expect(bounds[1][0]).toBeGreaterThan(53.6); // north of the Wadden islands
      expect(bounds[0][1]).toBeLessThan(3.3);
      expect(bounds[1][1]).toBeGreaterThan(7.3);
      expect(await frame.getAttribute("src")).toContain("cycle=2&lead=0");
      expect(await page.locator(".leaflet-product-pane img.product-frame").count()).toBe(1); // above land and borders
      const box = await frame.boundingBox();
      expect(box && box.width > 100 && box.height > 100).toBe(true);
      expect(await page.textContent("#units")).toBe("rain_rate (mm h-1)");
      mkdirSync("test/.artifacts", { recursive: true });
      await page.screenshot({ path: "test/.artifacts/ops-page.png", fullPage: true });
      // The slider moves to another lead time.
      await page.locator("#lead").fill("3");
      await page.waitForSelector('img.product-frame[src*="lead=3"]');
      expect(await page.textContent("#lead-label")).toBe("2010-08-26T06:10:00.000Z +20 min");
      // Runs from their manifests, and the quicklook.
      const rows = await page.$$eval("#runs tr[data-output]", (trs) =>
        trs.map((t) => [...t.querySelectorAll("td")].map((d) => d.textContent)),
      );
      expect(rows.map((r) => [r[1], r[2]]).sort()).toStrictEqual([
        ["4 / 9", "unfinished"],
        ["9 / 9", "complete"],
      ]);
      expect(await page.$$eval("#quicklooks img", (imgs) => imgs.map((i) => i.getAttribute("alt")))).toStrictEqual([
        "seg/done.png",
      ]);
      // Skill: model and persistence lines.
      const methods = await page.$$eval("#skill path", (ps) =>
        ps.map((p) => [p.getAttribute("data-method"), (p.getAttribute("d") ?? "").split("L").length]),
      );
      expect(methods).toStrictEqual([
        ["persistence", 6],
        ["model", 6],
      ]);
      // A new cycle appears without a reload (server-sent events).
      expect(cycle("2010-08-26T06:25Z").code).toBe(0);
      await page.waitForSelector(".cells .cell:nth-child(6)", { timeout: 30_000 });
      expect(await page.$$eval(".cell", (c) => c.at(-1)?.getAttribute("data-status"))).toBe("ok");
      // Everything came from this server: no CDN.
      expect(
        requests.filter(
          (u) => !u.startsWith(`http://127.0.0.1:${port}/`) && !u.startsWith("data:") && !u.startsWith("blob:"),
        ),
      ).toStrictEqual([]);
      await page.screenshot({ path: "test/.artifacts/ops-page-live.png", fullPage: true });
    } finally {
      await browser.close();
    }
  }, 240_000);
});
