/**
 * A collection of the young generation, on demand, for a thread that knows it has just dropped a
 * large buffer: V8 frees an array buffer only when a collection finds it dead, and until then
 * glibc gives the next one of that size fresh pages, each a page fault on its first touch.
 *
 * The ONNX session threads are the case: ONNX Runtime's binding copies every output into a new
 * zero-filled ArrayBuffer even when it wrote the output into one it was given, and tilecast drops
 * that copy at once. The 8192² segmentation job took 336-363 thousand page faults without a
 * collection after each run and 155-163 thousand with one; its CPU went from 51.8-52.6 s to
 * 47.3-48.0 and its rate from 2.66-2.69 MP/s to 2.95-2.97 (two runs each, alternating;
 * `BENCH_E2E_JOB=seg BENCH_E2E_PART=e2e perf stat -e page-faults,task-clock node --import tsx
 * bench/onnx-e2e.ts`, with the huge-page tunable). A young collection of a session thread's small
 * heap is far cheaper than the faults, once a few megabytes wait: after each of a small output,
 * the collections cost more than they saved (`nn/onnx/session-worker.ts`).
 *
 * V8 hands out its `gc` function only with `--expose-gc`, a process-wide flag that must be set
 * before a context is made: it is set here and the function taken from a new context, once. Where
 * that fails, {@link collectYoung} does nothing.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Gc = (options?: { type: "minor" | "major" }) => void;

let gc: Gc | null | undefined;

/** V8's `gc`, made available once; null where it cannot be. */
function gcFunction(): Gc | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString("--expose-gc");
    const f = runInNewContext("typeof gc === 'function' ? gc : null") as Gc | null;
    gc = f;
  } catch {
    gc = null;
  }
  return gc;
}

/** Collect this thread's young generation now (a scavenge): what died there is freed. */
export function collectYoung(): void {
  gcFunction()?.({ type: "minor" });
}
