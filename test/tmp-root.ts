/**
 * Vitest global setup: every test file's temporary files (`os.tmpdir()`, in this process, its
 * test workers and the CLIs and Python scripts they start) land in one fresh directory, removed
 * when the run ends, so a test run leaves nothing behind in /tmp (thousands of directories before).
 * `TILECAST_KEEP_TEST_TMP=1` keeps it and prints where it is. Caches meant to outlive a run (the
 * TensorFlow wheel) go under `TILECAST_TEST_CACHE`, the system's temporary directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  process.env.TILECAST_TEST_CACHE ??= tmpdir();
  const root = mkdtempSync(join(tmpdir(), "tilecast-tests-"));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.TILECAST_KEEP_TEST_TMP === "1") console.log(`test files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
