/** `tilecast native build`: compile tfjs-node against a local TensorFlow (see `nn/native/build.ts`). */
import { buildNative } from "../nn/native/build.js";

/** Build, printing each step, then what was built. */
export async function nativeBuildCommand(o: { from: string; json?: boolean }): Promise<void> {
  const r = await buildNative({ from: o.from, log: o.json ? undefined : (line) => process.stderr.write(`${line}\n`) });
  if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `built ${r.package} against TensorFlow ${r.tensorflow} (from a ${r.source}) in ${r.seconds} s: ${r.binding}\n` +
        "the tensorflow backend is now used by default; `tilecast doctor` shows it\n",
    );
}
