/**
 * Progress reporting for long CLI work: a bar (done / total, rate, ETA) on a terminal, and a
 * plain line every 10% when stderr is not a TTY (logs, CI) once the
 * work has run for a second.
 */
import cliProgress from "cli-progress";

/** A progress reporter: `update(done)` as work proceeds, `stop()` at the end. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** A reporter for `total` units (tiles, cycles) of `label` work, written to stderr. */
export function progress(label: string, total: number, quiet = false, unit = "tiles"): Progress {
  if (quiet || total <= 1) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted} | {rate} ${unit}/s`,
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    const start = Date.now();
    bar.start(total, 0, { rate: "0" });
    return {
      update(done) {
        const s = (Date.now() - start) / 1000;
        bar.update(done, { rate: s > 0 ? (done / s).toFixed(1) : "0" });
      },
      stop: () => bar.stop(),
    };
  }
  // In whole tenths: summed tenths of floats skipped 30% (0.1 + 0.1 + 0.1 > 0.3).
  let nextTenth = 1;
  const start = Date.now();
  return {
    update(done) {
      if (done * 10 >= nextTenth * total || done === total) {
        const s = (Date.now() - start) / 1000;
        while (nextTenth * total <= done * 10) nextTenth++;
        if (s < 1) return; // short jobs need no log lines
        process.stderr.write(
          `${label}: ${done}/${total} ${unit} (${Math.round((100 * done) / total)}%, ${s.toFixed(1)} s)\n`,
        );
      }
    },
    stop() {},
  };
}
