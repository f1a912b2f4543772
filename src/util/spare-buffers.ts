/**
 * `SpareBuffers`: buffers done with, kept to be filled again by the next job of their size, so
 * a stream of same-sized jobs (a writer's tiles) stops asking the allocator, and the kernel, for
 * fresh memory each time: a fresh megabyte is 256 zeroed pages to fault in, which cost more
 * here than the copy into them. At most `perSize` buffers of each size are kept, and only sizes
 * from `minBytes` up (smaller ones come cheaply from the heap).
 *
 * @example
 * ```ts internal
 * const spares = new SpareBuffers(4);
 * const buf = spares.take(1 << 20) ?? new ArrayBuffer(1 << 20);
 * // ... fill it, hand it to a worker and back ...
 * spares.give(buf);
 * ```
 */
export class SpareBuffers {
  readonly #kept = new Map<number, ArrayBuffer[]>();
  readonly #perSize: number;
  readonly #minBytes: number;

  constructor(perSize: number, minBytes = 64 * 1024) {
    this.#perSize = perSize;
    this.#minBytes = minBytes;
  }

  /** A kept buffer of exactly `bytes` bytes (its contents are whatever it last held), or null. */
  take(bytes: number): ArrayBuffer | null {
    return this.#kept.get(bytes)?.pop() ?? null;
  }

  /** Keep `buffer` for a later {@link take}, unless enough of its size are kept already. */
  give(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < this.#minBytes) return;
    const list = this.#kept.get(buffer.byteLength) ?? [];
    if (list.length >= this.#perSize || list.includes(buffer)) return;
    list.push(buffer);
    this.#kept.set(buffer.byteLength, list);
  }

  /** Bytes kept now. */
  get bytes(): number {
    let n = 0;
    for (const [size, list] of this.#kept) n += size * list.length;
    return n;
  }
}
