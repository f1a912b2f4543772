/**
 * The `tilecast` command. Every failure prints one line naming the file and the problem
 * (`--debug` adds the stack) and exits non-zero: 2 for usage errors, 1 otherwise.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { errorLine, exitCodeFor, isTilecastError, TilecastError } from "../errors.js";
import { installCleanupHandlers } from "../io/atomic.js";
import type { DriverFlag } from "../io/driver.js";
import { asJob } from "../io/reading.js";
import { formats, inspectPath, outputDriver } from "../io/registry.js";
import { tuneHeapGrowth } from "../util/heap-growth.js";
import { collectIndex, collectSet, int, onlyWhere, positiveInt } from "./flags.js";
import { addJobCommands } from "./job-commands.js";
import { addOpsCommands } from "./ops-commands.js";
import type { progress } from "./progress.js";
import type { RunFlags } from "./run.js";

interface ConvertFlags {
  tile: number;
  overlap: number;
  block?: number;
  cog?: boolean;
  concurrency: number;
  quiet?: boolean;
  var?: string;
  index: Record<string, number>;
  /** The output formats' own flags, by option key. */
  [key: string]: unknown;
}

/** Every format's writer flags, once each (formats may share one, e.g. a compression level). */
function driverFlags(): DriverFlag[] {
  const seen = new Map<string, DriverFlag>();
  for (const d of formats()) for (const f of d.flags) if (!seen.has(f.key)) seen.set(f.key, f);
  return [...seen.values()];
}

/** The writer options the user gave for `output`, checked against its format's flags. */
function writeOptionsFrom(cmd: Command, output: string, o: ConvertFlags): Record<string, unknown> {
  const d = outputDriver(output, o.cog ? "cog" : undefined);
  const given = driverFlags().filter((f) => cmd.getOptionValueSource(f.key) === "cli");
  const out: Record<string, unknown> = {};
  for (const f of given) {
    if (!d?.flags.some((x) => x.key === f.key)) {
      const owners = formats()
        .filter((x) => x.flags.some((y) => y.key === f.key))
        .map((x) => x.title);
      throw new TilecastError("E_ARGUMENT", `${f.flag.split(" ")[0]} applies to ${owners.join(", ")} outputs`, {
        path: output,
      });
    }
    const text = o[f.key] as string;
    out[f.key] = f.parse ? f.parse(text) : text;
  }
  return out;
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
    .option("--var <name>", "a store's variable to describe alone, with the arrays it names")
    .action(async (path: string, o: { json?: boolean; var?: string }) => {
      const { info, text } = await inspectPath(path, o.var);
      process.stdout.write(o.json ? `${JSON.stringify(info)}\n` : `${text}\n`);
    });
  const convert = cli
    .command("convert")
    .description("stream a raster into a new file through the tile stages (lossless)")
    .argument("<in>", "input raster")
    .argument("<out>", "output path; its extension picks the format")
    .option("--tile <N>", "read window core size in pixels", positiveInt("--tile"), 512)
    .option("--overlap <M>", "halo read around each window and cropped on write", int("--overlap"), 0)
    .option("--block <B>", "output tile size, a multiple of 16 (default 256; 512 with --cog)", int("--block"))
    .option("--cog", "write a Cloud-Optimized GeoTIFF: GDAL's COG layout with internal overviews")
    .option("--concurrency <C>", "tiles in flight", positiveInt("--concurrency"), 4)
    .option(
      "--var <name>",
      "the variable to read (store input) and the Zarr output's variable name; several, comma-separated, read as bands (a Zarr output keeps them as variables)",
    )
    .option("--index <dim=i>", "store input: fix a dimension to one index (repeatable)", collectIndex, {})
    .option("-q, --quiet", "no progress output");
  for (const f of driverFlags()) convert.option(f.flag, f.help);
  convert.action(async (input: string, output: string, o: ConvertFlags) => {
    let bar: ReturnType<typeof progress> | null = null;
    // Loaded on use: the streaming stages (RxJS) are not needed by other commands.
    const { convertRaster } = await import("../pipeline/convert.js");
    const { progress: makeBar } = await import("./progress.js");
    const r = await convertRaster(input, output, {
      tileSize: o.tile,
      overlap: o.overlap,
      ...(o.block !== undefined ? { outputTileSize: o.block } : {}),
      ...(o.cog ? { format: "cog" } : {}),
      write: writeOptionsFrom(convert, output, o),
      concurrency: Math.max(1, o.concurrency),
      ...(o.var ? { variable: o.var.includes(",") ? o.var.split(",") : o.var } : {}),
      index: o.index,
      onProgress: (p) => {
        bar ??= makeBar("convert", p.tilesTotal, o.quiet);
        bar.update(p.tilesDone);
      },
    });
    (bar as ReturnType<typeof progress> | null)?.stop();
    for (const w of r.warnings) process.stderr.write(`tilecast: warning: ${output}: ${w}\n`);
    process.stdout.write(
      `wrote ${r.output} (${r.width} x ${r.height}, ${r.bands} band${r.bands === 1 ? "" : "s"}, ${r.tiles} tiles)\n`,
    );
  });
  cli
    .command("run")
    .description("run a pipeline file: read -> tile -> normalize -> model -> stitch -> write")
    .argument(
      "<pipeline>",
      "pipeline YAML file, or a bundled pipeline's name (scene-water, scene-ndvi, ...; outputs under ./out)",
    )
    .option("--set <key=value>", "override a key of the file, e.g. --set tiling.size=256 (repeatable)", collectSet, [])
    .addOption(
      new Option("--log-format <format>", "text | json (one JSON object per event on stderr)")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--output-root <dir>", "refuse to write outside this directory (default $TILECAST_OUTPUT_ROOT)")
    .addOption(
      new Option("--runtime <name>", "inference engine: auto (ONNX Runtime when available) | onnx | tfjs").choices([
        "auto",
        "onnx",
        "tfjs",
      ]),
    )
    .option("-q, --quiet", "no progress output")
    .option("--resume", "redo only the parts an earlier run of this output left unfinished")
    .option("--force", "with --resume or --shard: start over when the pipeline, input or model changed")
    .option("--shard <i/n>", "do shard i (from 0) of n of the output's parts; then tilecast finalize")
    .option(
      "--cycle <time>",
      "run one forecast cycle: {cycle} in the file becomes this time; a lock and a status record",
    )
    .option("--state <dir>", "with --cycle: where locks and status records go", "tilecast-state")
    .option("--wait <duration>", "with --cycle: wait this long for missing inputs, then skip (e.g. 10m)")
    .option("--retries <n>", "with --cycle: retries after a failure, with doubling backoff", int("--retries"))
    .option("--json", "print the run's summary as JSON (with --cycle: the cycle's status record)")
    .action(
      async (
        file: string,
        o: RunFlags & Partial<import("./schedule.js").CycleFlags> & { cycle?: string },
        cmd: Command,
      ) => {
        // A flag of the other kind of run is refused, not ignored.
        const cycle = o.cycle !== undefined;
        onlyWhere(cmd, ["state", "wait", "retries"], cycle, "--cycle runs");
        onlyWhere(cmd, ["resume", "shard", "logFormat"], !cycle, "runs without --cycle");
        onlyWhere(cmd, ["force"], Boolean(o.resume || o.shard), "--resume and --shard runs (a plain run starts over)");
        if (o.cycle) {
          const code = await (await import("./schedule.js")).cycleCommand(file, o.cycle, {
            ...o,
            state: o.state ?? "tilecast-state",
            set: o.set,
          });
          process.exitCode = code;
          return;
        }
        // Loaded on use: TensorFlow.js takes a moment to import, and other commands never need it.
        await (await import("./run.js")).runCommand(file, o);
      },
    );
  cli
    .command("finalize")
    .description("commit a sharded run's output once every shard is done (checks the parts against the manifest)")
    .argument("<pipeline>", "the pipeline file the shards ran")
    .option("--set <key=value>", "the same overrides the shards had (repeatable)", collectSet, [])
    .option("--json", "print the summary as JSON")
    .action(async (file: string, o: { set: string[]; json?: boolean }) => {
      await (await import("./run.js")).finalizeCommand(file, o);
    });
  addOpsCommands(cli);
  addJobCommands(cli);
  cli
    .command("preview")
    .description("contact sheet of a few tiles before and after augmentation, labels overlaid")
    .argument("<pipeline>", "pipeline YAML file")
    .requiredOption("--out <png>", "output PNG")
    .option("--tiles <n>", "tiles to show", positiveInt("--tiles"), 4)
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
  cli
    .command("native")
    .description("native TensorFlow without the internet")
    .command("build")
    .description("install @tensorflow/tfjs-node without its download and build its binding against a local TensorFlow")
    .requiredOption(
      "--from <path>",
      "a TensorFlow wheel (.whl), a libtensorflow C archive (.tar.gz), or a directory holding either unpacked",
    )
    .option("--json", "one JSON object")
    .action(async (o: { from: string; json?: boolean }) => {
      await (await import("./native.js")).nativeBuildCommand(o);
    });
  const model = cli.command("model").description("model tools");
  model
    .command("export")
    .description("export a model directory to ONNX (model.onnx beside model.json, recorded in card.json)")
    .argument("<model>", "a model directory (model.json + weights.bin + card.json)")
    .option("--out <file>", "write here instead of <model>/model.onnx")
    .action(async (m: string, o: { out?: string }) => {
      await (await import("./model.js")).modelExportCommand(m, o);
    });
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
      await (await import("./demo.js")).runDemo(o.out);
    });
  return cli;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  installCleanupHandlers();
  // `tilecast inspect --json | head`: a reader that goes away is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  // Library advice tfjs prints (initializer warnings, banners) is shown only with --debug.
  if (argv.includes("--debug")) process.env.TILECAST_DEBUG = "1";
  const cli = buildCli();
  try {
    tuneHeapGrowth();
    // A command is one job: what it reads, it may not write over (a worker's scenes and a
    // schedule's cycles are jobs of their own).
    await asJob(() => cli.parseAsync([...argv]));
    // A command that ends with a status of its own (a skipped cycle) sets it.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
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
    process.stderr.write(`tilecast: internal error: ${errorLine(e)} (run with --debug for details)\n`);
    if (debug) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
