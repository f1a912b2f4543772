/**
 * The manifest a run keeps beside its output (`<output>.manifest.json`): what the output is made
 * from, so that a run resumed later, or another shard of it, makes the same pixels or refuses.
 *
 * Its `identity` holds the pipeline's hash (every resolved key, canonical JSON, SHA-256), each
 * input's size and modification time (a directory store: its files' count, bytes and newest
 * time), the model directory's content hash, the runtime, and the part layout. Two runs with
 * equal identities make equal outputs; {@link identityChange} names the first difference.
 * While the run is unfinished its parts lie in `<output>.parts/`; `complete` is set when the
 * output is committed.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TilecastError } from "../errors.js";
import type { RuntimeReport } from "../models/registry.js";
import { tf } from "../tfjs.js";
import type { TilePlan } from "../tiling/plan.js";
import { isUrl, redactUrl } from "../util/url.js";
import type { Pipeline } from "./config.js";

/** A file's or store's size and time, or a URL as given. */
export interface InputStamp {
  path: string;
  bytes?: number;
  files?: number;
  mtimeMs?: number;
}

/** What makes a run's output what it is. */
export interface RunIdentity {
  pipeline: string;
  inputs: InputStamp[];
  model: string | null;
  runtime: string;
  parts: { count: number; tileSize: number; windows: string };
}

/** The manifest file's content. */
export interface RunManifest {
  tilecast: 1;
  pipelineFile: string;
  output: string;
  identity: RunIdentity;
  created: string;
  runId: string;
  /** Set when the output is committed. */
  complete?: { finished: string; runId: string };
}

/** The manifest's path for an output. */
export const manifestPath = (output: string) => `${output}.manifest.json`;
/** The directory of an unfinished run's parts. */
export const partsDir = (output: string) => `${output}.parts`;

/** JSON with sorted keys, so equal objects hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const sha256 = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");

/** Every file under a directory (relative paths, sorted). */
async function filesUnder(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** A file's or directory store's size and time. */
export async function stampInput(path: string): Promise<InputStamp> {
  if (isUrl(path)) return { path: redactUrl(path) }; // a password in a URL never reaches the manifest
  const s = await stat(path).catch(() => null);
  if (!s) throw new TilecastError("E_NOT_FOUND", "input not found", { path });
  if (!s.isDirectory()) return { path, bytes: s.size, mtimeMs: Math.round(s.mtimeMs) };
  let bytes = 0;
  let mtimeMs = 0;
  const files = await filesUnder(path);
  for (const f of files) {
    const fs = await stat(join(path, f));
    bytes += fs.size;
    mtimeMs = Math.max(mtimeMs, Math.round(fs.mtimeMs));
  }
  return { path, bytes, files: files.length, mtimeMs };
}

/**
 * Content hashes of model files this process has read, by their names, sizes, times and inodes:
 * a worker's every scene asks for its model's hash twice (its output's identity, the model it
 * keeps loaded), and a model of hundreds of MB took a second to hash each time.
 */
const hashed = new Map<string, string>();

/** The content hash of a model directory (or file), or null for a model built from its options. */
export async function modelHash(p: Pipeline): Promise<string | null> {
  const path = p.model.path;
  if (typeof path !== "string") return null;
  const s = await stat(path).catch(() => null);
  if (!s) return null; // the model's own loader names the missing path
  const files = s.isDirectory() ? await filesUnder(path) : [""];
  const stats = await Promise.all(files.map((f) => (f ? stat(join(path, f)) : s)));
  const stamp = JSON.stringify([path, files, stats.map((x) => [x.size, x.mtimeMs, x.ctimeMs, x.ino])]);
  const known = hashed.get(stamp);
  if (known) return known;
  const h = createHash("sha256");
  for (const f of files) {
    h.update(`${f}\0`);
    h.update(await readFile(f ? join(path, f) : path));
  }
  const digest = h.digest("hex");
  if (hashed.size >= 64) hashed.clear();
  hashed.set(stamp, digest);
  return digest;
}

/**
 * A pipeline's hash: every resolved key but its file's name and `runtime` (the engine is part of
 * the identity on its own, as the one that actually ran: `auto` may pick either).
 */
export function pipelineHash(p: Pipeline): string {
  return sha256(canonical({ ...p, file: undefined, name: undefined, runtime: undefined }));
}

/** The first difference between two identities, in words, or null when they are equal. */
export function identityChange(was: RunIdentity, now: RunIdentity): string | null {
  if (was.pipeline !== now.pipeline) return "the pipeline changed";
  for (const n of now.inputs) {
    const w = was.inputs.find((i) => i.path === n.path);
    if (!w) return `the input changed to ${n.path}`;
    if (canonical(w) !== canonical(n)) return `input ${n.path} changed (size or modification time)`;
  }
  if (was.inputs.length !== now.inputs.length) return "the inputs changed";
  if (was.model !== now.model) return "the model changed";
  if (was.runtime !== now.runtime) return `the runtime changed (${was.runtime} then, ${now.runtime} now)`;
  if (canonical(was.parts) !== canonical(now.parts)) return "the part layout changed";
  return null;
}

/** Read a manifest, or null when there is none. */
export async function readManifest(output: string): Promise<RunManifest | null> {
  const path = manifestPath(output);
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as RunManifest;
  } catch {
    throw new TilecastError("E_FORMAT", "unreadable run manifest (remove it, or run with --force)", { path });
  }
}

/** What this run's output is made from (see manifest.ts). */
export async function runIdentity(p: Pipeline, plan: TilePlan, runtime: RuntimeReport): Promise<RunIdentity> {
  const stats = p.normalize && p.normalize.stats !== "compute" ? [p.normalize.stats] : [];
  return {
    pipeline: pipelineHash(p),
    inputs: await Promise.all([p.input.path, ...stats].map(stampInput)),
    model: await modelHash(p),
    runtime: `${runtime.runtime}/${runtime.runtime === "onnx" ? (runtime.provider ?? "cpu") : tf.getBackend()}`,
    parts: {
      count: plan.parts.length,
      tileSize: plan.tileSize,
      windows: sha256(JSON.stringify(plan.parts.map((q) => q.window))),
    },
  };
}
