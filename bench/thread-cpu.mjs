/**
 * Where a process's CPU goes, thread by thread: a preload that reads every thread's user + system
 * time from `/proc/self/task/<tid>/stat` every 100 ms (a thread's count disappears when it ends)
 * and prints the last seen per thread at exit, on stderr. The main thread is `MAIN`; the others
 * by name and id (Node's `node` threads are V8's helpers, libuv's pool, worker threads and ONNX
 * Runtime's pool, in order of creation). Linux only.
 *
 *   node --import ./bench/thread-cpu.mjs bin/tilecast.js run pipelines/scene-seg.yaml ...
 */
import { readdirSync, readFileSync } from "node:fs";

const seen = new Map();

function sample() {
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const s = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      seen.set(tid, [name, (Number(f[11]) + Number(f[12])) / 100]); // utime + stime, in ticks of 10 ms
    } catch {
      // the thread ended between the listing and the read
    }
  }
}

setInterval(sample, 100).unref();
process.on("exit", () => {
  sample();
  const threads = [...seen]
    .map(([tid, [name, s]]) => [Number(tid) === process.pid ? "MAIN" : `${name}:${tid}`, s])
    .filter(([, s]) => s > 0.05);
  process.stderr.write(`threads (CPU-s): ${threads.map(([n, s]) => `${n}=${s.toFixed(2)}`).join(" ")}\n`);
});
