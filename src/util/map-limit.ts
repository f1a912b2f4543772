/**
 * Run `fn` over `items` with at most `limit` calls in flight; resolves when all have finished,
 * rejects with the first error (the others still settle, none are left running unobserved).
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { mapLimit } from "tilecast";
 * await mapLimit([1, 2, 3], 2, async (n) => console.log(n));
 * ```
 */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
