/** Items per second of `run` (which handles `batch` items) over `reps` calls after one warm-up call. */
export async function rate(batch: number, reps: number, run: () => Promise<void>): Promise<number> {
  await run();
  const t = performance.now();
  for (let i = 0; i < reps; i++) await run();
  return (batch * reps) / ((performance.now() - t) / 1000);
}
