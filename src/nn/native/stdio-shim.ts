/**
 * A two-function native addon, `tilecast_stdio.node` (`dup` and `dup2`), compiled beside
 * tfjs-node's binding by `tilecast native build`. TensorFlow 2.x's libraries log from their
 * static initialisers ("All log messages before absl::InitializeLog() ...", "oneDNN custom
 * operations are on ...") straight to descriptor 2 while the dynamic loader opens them, before
 * `TF_CPP_MIN_LOG_LEVEL` can apply; Node has no `dup2` to point descriptor 2 elsewhere for the
 * load and back afterwards, whatever stderr is (terminal, file, pipe, or the socket a parent
 * Node process or systemd's journal gives). The addon is those two system calls (throwing with
 * `strerror` on failure) and nothing else; `util/quiet-stderr.ts` uses them.
 *
 * Internal (not exported from the package).
 */
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { DescriptorCalls } from "../../util/quiet-stderr.js";
import { nodeDir, nodeGyp, run } from "./toolchain.js";

/** The addon's file name, in the binding's `lib/napi-v<N>/` directory. */
export const STDIO_SHIM = "tilecast_stdio.node";

const SOURCE = `#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <node_api.h>

static napi_value call(napi_env env, napi_callback_info info, int pair) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t a = -1, b = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < (pair ? 2u : 1u) || napi_get_value_int32(env, argv[0], &a) != napi_ok ||
      (pair && napi_get_value_int32(env, argv[1], &b) != napi_ok)) {
    napi_throw_type_error(env, NULL, "descriptor numbers expected");
    return NULL;
  }
  int r = pair ? dup2(a, b) : dup(a);
  if (r < 0) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  napi_value out;
  napi_create_int32(env, r, &out);
  return out;
}

static napi_value Dup(napi_env env, napi_callback_info info) { return call(env, info, 0); }
static napi_value Dup2(napi_env env, napi_callback_info info) { return call(env, info, 1); }

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"dup", NULL, Dup, NULL, NULL, NULL, napi_default, NULL},
    {"dup2", NULL, Dup2, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
`;

const GYP = JSON.stringify({ targets: [{ target_name: "tilecast_stdio", sources: ["stdio.c"] }] });

/**
 * Compile the addon into `outDir` (node-gyp in a scratch directory under `workDir`, removed
 * afterwards); its path.
 */
export async function buildStdioShim(workDir: string, outDir: string, napi: number): Promise<string> {
  const gyp = nodeGyp();
  if (!gyp) throw new Error("node-gyp was not found beside npm");
  const src = join(workDir, "tilecast-stdio");
  await rm(src, { recursive: true, force: true });
  await mkdir(src, { recursive: true });
  try {
    await writeFile(join(src, "stdio.c"), SOURCE);
    await writeFile(join(src, "binding.gyp"), GYP);
    const headers = nodeDir();
    run(
      process.execPath,
      [gyp, "rebuild", ...(headers ? [`--nodedir=${headers}`] : []), `--napi_build_version=${napi}`],
      src,
      "compiling the stdio addon",
    );
    await mkdir(outDir, { recursive: true });
    await copyFile(join(src, "build", "Release", STDIO_SHIM), join(outDir, STDIO_SHIM));
    return join(outDir, STDIO_SHIM);
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

/** The addon built beside `pkg`'s binding, or null where there is none (or it does not load). */
export function loadStdioShim(pkg: string): DescriptorCalls | null {
  try {
    const require = createRequire(import.meta.url);
    const lib = join(require.resolve(`${pkg}/package.json`), "..", "lib");
    for (const d of readdirSync(lib)) {
      const file = join(lib, d, STDIO_SHIM);
      if (existsSync(file)) return require(file) as DescriptorCalls;
    }
  } catch {
    // not built: stderr stays as it is
  }
  return null;
}
