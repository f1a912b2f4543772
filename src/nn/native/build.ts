/**
 * `tilecast native build --from <wheel | libtensorflow .tar.gz | directory>`: native TensorFlow
 * for the `tensorflow` backend without the internet. `@tensorflow/tfjs-node` normally downloads
 * libtensorflow (2.9, CUDA 11.2) when installed; here it is installed without its install step,
 * its binding is compiled from the sources in its npm package against the given library, and the
 * result is loaded once to prove it works. The backend ladder then picks it up and `tilecast
 * doctor` reports it.
 *
 * Steps: (1) `npm install --no-save --ignore-scripts @tensorflow/tfjs-node@<tfjs's version>` in
 * the project whose `node_modules` holds tilecast's TensorFlow.js (so both share one engine);
 * (2) the library staged into the package's `deps/` (see {@link stageLibtensorflow}); (3)
 * node-gyp (npm's own copy) builds `lib/napi-v8/tfjs_binding.node`, against Node's installed
 * headers where there are some; (4) a child process loads it and multiplies two tensors.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { buildNative } from "tilecast";
 * const r = await buildNative({ from: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl" });
 * console.log(r.tensorflow); // 2.21.0
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve, sep } from "node:path";
import { TilecastError } from "../../errors.js";
import { patchBindingSource } from "./binding-patch.js";
import { quotedIncludes, stageLibtensorflow } from "./libtensorflow.js";
import { buildStdioShim } from "./stdio-shim.js";
import { nodeDir, nodeGyp, run } from "./toolchain.js";

/** Options for {@link buildNative}. */
export interface NativeBuildOptions {
  /** A TensorFlow wheel, a libtensorflow C archive, or a directory holding either unpacked. */
  from: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link buildNative} did. */
export interface NativeBuildReport {
  /** The npm package built (`@tensorflow/tfjs-node`) and where it is. */
  package: string;
  packageDir: string;
  /** TensorFlow's version as the loaded library reports it. */
  tensorflow: string;
  source: "wheel" | "tarball" | "directory";
  binding: string;
  seconds: number;
}

const PACKAGE = "@tensorflow/tfjs-node";

/** The directory whose `node_modules` holds the TensorFlow.js tilecast uses. */
export function projectRoot(): string {
  const core = createRequire(import.meta.url).resolve("@tensorflow/tfjs-core/package.json");
  const at = core.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) throw new TilecastError("E_UNSUPPORTED", `@tensorflow/tfjs-core is not inside a node_modules (${core})`);
  return core.slice(0, at);
}

/** The N-API version the loader looks for: the highest the package lists that this Node has. */
function napiVersion(pkgDir: string): number {
  const meta = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
    binary?: { napi_versions?: number[] };
  };
  const have = Number(process.versions.napi);
  return Math.max(...(meta.binary?.napi_versions ?? [8]).filter((v) => v <= have));
}

/** The TensorFlow headers the binding's sources include themselves. */
async function bindingIncludes(pkgDir: string): Promise<string[]> {
  const dir = join(pkgDir, "binding");
  const files = (await readdir(dir)).filter((f) => /\.(cc|h)$/.test(f));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), "utf8")));
  return texts.flatMap(quotedIncludes).filter((h) => h.startsWith("tensorflow/"));
}

/** Build tfjs-node against the library at `options.from`; see the module documentation. */
export async function buildNative(options: NativeBuildOptions): Promise<NativeBuildReport> {
  const log = options.log ?? (() => undefined);
  const t0 = performance.now();
  const from = resolve(options.from);
  if (!existsSync(from)) throw new TilecastError("E_NOT_FOUND", "no such file or directory", { path: options.from });
  const root = projectRoot();
  const require = createRequire(join(root, "package.json"));
  const version = (require("@tensorflow/tfjs/package.json") as { version: string }).version;
  const pkgDir = join(root, "node_modules", ...PACKAGE.split("/"));
  const installed = existsSync(join(pkgDir, "package.json"))
    ? (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version
    : null;
  if (installed !== version) {
    log(`installing ${PACKAGE}@${version} without its download step (in ${root})`);
    run(
      "npm",
      ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${PACKAGE}@${version}`],
      root,
      `npm install ${PACKAGE}@${version}`,
    );
  }
  log(`staging TensorFlow from ${from}`);
  const deps = join(pkgDir, "deps");
  const staging = join(pkgDir, "deps.staging");
  await rm(staging, { recursive: true, force: true });
  let staged: Awaited<ReturnType<typeof stageLibtensorflow>>;
  try {
    staged = await stageLibtensorflow(from, staging, await bindingIncludes(pkgDir));
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  await rm(deps, { recursive: true, force: true });
  await rename(staging, deps);
  const gyp = nodeGyp();
  if (!gyp)
    throw new TilecastError("E_UNSUPPORTED", "node-gyp was not found beside npm; install it (npm i -g node-gyp)");
  const patched = await patchBindingSource(pkgDir);
  log(
    patched
      ? "binding source: string and type list attributes added"
      : "binding source: left as it is (unknown layout)",
  );
  const napi = napiVersion(pkgDir);
  const modulePath = join(pkgDir, "lib", `napi-v${napi}`);
  const headers = nodeDir();
  log(`compiling the binding (node-gyp, N-API ${napi}${headers ? `, Node headers in ${headers}` : ""})`);
  run(
    process.execPath,
    [
      gyp,
      "rebuild",
      "--jobs=max",
      ...(headers ? [`--nodedir=${headers}`] : []),
      "--module_name=tfjs_binding",
      `--module_path=${modulePath}`,
      `--napi_build_version=${napi}`,
    ],
    pkgDir,
    "compiling tfjs-node's binding",
  );
  log("compiling the stdio addon that keeps TensorFlow's load-time log lines off stderr");
  await buildStdioShim(pkgDir, modulePath, napi);
  log("loading it");
  const probe = `const tf = require(${JSON.stringify(PACKAGE)});
const y = tf.tensor2d([[1, 2], [3, 4]]).matMul(tf.tensor2d([[5], [6]])).dataSync();
console.log(JSON.stringify({ backend: tf.getBackend(), tensorflow: tf.backend().binding.TF_Version, y: Array.from(y) }));`;
  const out = run(process.execPath, ["-e", probe], root, "loading the built binding");
  const seen = JSON.parse(out.trim().split("\n").pop() as string) as {
    backend: string;
    tensorflow: string;
    y: number[];
  };
  if (seen.backend !== "tensorflow" || seen.y[0] !== 17 || seen.y[1] !== 39)
    throw new TilecastError("E_UNSUPPORTED", `the built binding loads but computes wrongly (${out.trim()})`);
  return {
    package: PACKAGE,
    packageDir: pkgDir,
    tensorflow: seen.tensorflow,
    source: staged.kind,
    binding: join(modulePath, "tfjs_binding.node"),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
