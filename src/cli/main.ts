/**
 * The `tilecast` command. Every failure prints one line naming the file and the problem
 * (`--debug` adds the stack) and exits non-zero: 2 for usage errors, 1 otherwise.
 */
import { Command, InvalidArgumentError } from "commander";
import { describe, exitCodeFor, isTilecastError } from "../errors.js";
import { installCleanupHandlers } from "../io/atomic.js";
import { parseCompressor } from "../io/zarr/codecs.js";
import { isZarrStore } from "../io/zarr/detect.js";
import { convertRaster } from "../pipeline/convert.js";
import { formatInfo, inspectRaster } from "../pipeline/inspect.js";
import { formatZarrInfo, inspectZarr } from "../pipeline/inspect-zarr.js";
import { runDemo } from "./demo.js";
import { progress } from "./progress.js";
import type { RunFlags } from "./run.js";

/** Accumulate repeated `--set` flags. */
const collectSet = (v: string, acc: string[]): string[] => [...acc, v];

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

interface ConvertFlags {
  tile: number;
  overlap: number;
  block: number;
  compress: string;
  level: number;
  concurrency: number;
  quiet?: boolean;
  var?: string;
  index: Record<string, number>;
  zarrFormat: string;
  compressor: string;
}

/** Accumulate repeated `--index dim=i` flags. */
function collectIndex(value: string, acc: Record<string, number>): Record<string, number> {
  const m = /^([^=]+)=(-?\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--index takes DIM=I, got '${value}'`);
  return { ...acc, [m[1] as string]: Number(m[2]) };
}

/** Build the command tree (exported for tests and embedding). */
export function buildCli(): Command {
  const cli = new Command("tilecast")
    .description(
      "Streaming weather and Earth-observation deep learning: GeoTIFF/Zarr grids in, georeferenced predictions out.",
    )
    .version("0.1.0")
    .option("--debug", "print stack traces on errors")
    // Set before adding subcommands, which inherit them: usage errors throw (exit 2 in main)
    // and print one line.
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`tilecast: ${s.replace(/^error: /, "")}`),
    });
  cli
    .command("inspect")
    .description("describe a raster: size, bands, dtype, transform, CRS, nodata, blocks, compression, overviews")
    .argument("<path>", "file path or http(s) URL")
    .option("--json", "print exactly one JSON object")
    .action(async (path: string, o: { json?: boolean }) => {
      if ((await isZarrStore(path)) || /\.zarr\/?$/i.test(path)) {
        const info = await inspectZarr(path);
        process.stdout.write(o.json ? `${JSON.stringify(info)}\n` : `${formatZarrInfo(info)}\n`);
        return;
      }
      const info = await inspectRaster(path);
      process.stdout.write(o.json ? `${JSON.stringify(info)}\n` : `${formatInfo(info)}\n`);
    });
  cli
    .command("convert")
    .description("stream a raster into a new file through the tile stages (lossless)")
    .argument("<in>", "input raster")
    .argument("<out>", "output path; its extension picks the format")
    .option("--tile <N>", "read window core size in pixels", int("--tile"), 512)
    .option("--overlap <M>", "halo read around each window and cropped on write", int("--overlap"), 0)
    .option("--block <B>", "output tile size (multiple of 16)", int("--block"), 256)
    .option("--compress <codec>", "deflate | none", "deflate")
    .option("--level <L>", "deflate level 1-9", int("--level"), 6)
    .option("--concurrency <C>", "tiles in flight", int("--concurrency"), 4)
    .option("--var <name>", "Zarr input: the variable to read (and the output variable name)")
    .option("--index <dim=i>", "Zarr input: fix a dimension to one index (repeatable)", collectIndex, {})
    .option("--zarr-format <2|3>", "Zarr output format", "2")
    .option(
      "--compressor <name>",
      "Zarr output: blosc-zstd | blosc-lz4 | zlib | gzip | zstd | lz4 | none",
      "blosc-zstd",
    )
    .option("-q, --quiet", "no progress output")
    .action(async (input: string, output: string, o: ConvertFlags) => {
      if (o.compress !== "deflate" && o.compress !== "none")
        throw new InvalidArgumentError("--compress must be deflate or none");
      if (o.zarrFormat !== "2" && o.zarrFormat !== "3") throw new InvalidArgumentError("--zarr-format must be 2 or 3");
      let bar: ReturnType<typeof progress> | null = null;
      const r = await convertRaster(input, output, {
        tileSize: o.tile,
        overlap: o.overlap,
        outputTileSize: o.block,
        compress: o.compress,
        level: o.level,
        concurrency: Math.max(1, o.concurrency),
        ...(o.var ? { variable: o.var } : {}),
        index: o.index,
        zarrFormat: o.zarrFormat === "3" ? 3 : 2,
        compressor: parseCompressor(o.compressor),
        onProgress: (p) => {
          bar ??= progress("convert", p.tilesTotal, o.quiet);
          bar.update(p.tilesDone);
        },
      });
      (bar as ReturnType<typeof progress> | null)?.stop();
      process.stdout.write(
        `wrote ${r.output} (${r.width} x ${r.height}, ${r.bands} band${r.bands === 1 ? "" : "s"}, ${r.tiles} tiles)\n`,
      );
    });
  cli
    .command("run")
    .description("run a pipeline file: read -> tile -> normalize -> model -> stitch -> write")
    .argument("<pipeline>", "pipeline YAML file (see pipelines/)")
    .option("--set <key=value>", "override a key of the file, e.g. --set tiling.size=256 (repeatable)", collectSet, [])
    .option("--log-format <format>", "text | json (one JSON object per event on stderr)", "text")
    .option("-q, --quiet", "no progress output")
    .action(async (file: string, o: RunFlags) => {
      if (o.logFormat !== "text" && o.logFormat !== "json")
        throw new InvalidArgumentError("--log-format must be text or json");
      // Loaded on use: TensorFlow.js takes a moment to import, and other commands never need it.
      await (await import("./run.js")).runCommand(file, o);
    });
  cli
    .command("preview")
    .description("contact sheet of a few tiles before and after augmentation, labels overlaid")
    .argument("<pipeline>", "pipeline YAML file")
    .requiredOption("--out <png>", "output PNG")
    .option("--tiles <n>", "tiles to show", int("--tiles"), 4)
    .option("--bands <list>", "bands shown as RGB, e.g. 2,1,0 (default the first three)")
    .option("--set <key=value>", "override a key of the file (repeatable)", collectSet, [])
    .action(async (file: string, o: { out: string; tiles: number; set: string[]; bands?: string }) => {
      await (await import("./run.js")).previewCommand(file, o);
    });
  cli
    .command("doctor")
    .description("which backend runs (native TensorFlow, wasm or cpu), its version, threads and GPU")
    .option("--json", "one JSON object")
    .action(async (o: { json?: boolean }) => {
      await (await import("./model.js")).doctorCommand(o);
    });
  const model = cli.command("model").description("model tools");
  model
    .command("summary")
    .description("layers, output shapes, parameter counts and receptive field of a model")
    .argument(
      "<model>",
      "a model directory (model.json + weights.bin + card.json) or an architecture: unet, convlstm, global-cnn",
    )
    .option("--input <HxWxC>", "input size for an architecture", "128x128x4")
    .option("--set <key=value>", "architecture option, e.g. --set depth=3 (repeatable)", collectSet, [])
    .option("--json", "one JSON object")
    .action(async (m: string, o: { json?: boolean; input: string; set: string[] }) => {
      await (await import("./model.js")).modelSummaryCommand(m, o);
    });
  cli
    .command("demo")
    .description("run the bundled example job and print where its outputs went")
    .option("--out <dir>", "output directory", "out/demo")
    .action(async (o: { out: string }) => {
      await runDemo(o.out);
    });
  return cli;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  installCleanupHandlers();
  const cli = buildCli();
  try {
    await cli.parseAsync([...argv]);
    return 0;
  } catch (e) {
    const debug = argv.includes("--debug");
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === "string" && ce.code.startsWith("commander.")) {
      const ok = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return ok.includes(ce.code) ? 0 : 2;
    }
    if (e instanceof InvalidArgumentError) {
      process.stderr.write(`tilecast: ${e.message}\n`);
      return 2;
    }
    if (isTilecastError(e)) {
      process.stderr.write(`tilecast: ${e.message}\n`);
      if (debug) process.stderr.write(`${(e.cause as Error | undefined)?.stack ?? e.stack}\n`);
      return exitCodeFor(e.code);
    }
    process.stderr.write(`tilecast: internal error: ${describe(e)} (run with --debug for details)\n`);
    if (debug) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
