/** One worker of a {@link ReplicaPool}: its requests in flight, and which weights it holds. */
import type { Worker } from "node:worker_threads";
import { TilecastError } from "../../errors.js";
import type { ReplicaReply, ReplicaRequest } from "./protocol.js";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

type Pending = { resolve(r: ReplicaReply): void; reject(e: Error): void };

export class Replica {
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  /** The storage of the weights it was last sent (the model's tensors' `dataId`s). */
  #held: readonly object[] | null = null;

  constructor(
    readonly worker: Worker,
    readonly index: number,
  ) {
    worker.on("message", (m: ReplicaReply) => {
      if (!("id" in m)) return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
      if (m.type === "error") p?.reject(new TilecastError("E_STAGE", `replica ${index + 1}: ${m.error}`));
      else p?.resolve(m);
    });
    const fail = (e: Error) => {
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    worker.on("error", (e: Error) => fail(new TilecastError("E_STAGE", `replica ${index + 1}: ${e.message}`)));
    worker.on("exit", () => fail(new TilecastError("E_STAGE", `replica ${index + 1} exited`)));
  }

  /** Whether it holds the weights stored in `ids`. */
  holds(ids: readonly object[]): boolean {
    return this.#held?.length === ids.length && ids.every((d, i) => d === this.#held?.[i]);
  }

  /** Note the weights it holds (null: none known). */
  hold(ids: readonly object[] | null): void {
    this.#held = ids;
  }

  /** Send `m`; resolves to the reply. `transfer`: buffers handed over instead of copied. */
  ask<T extends ReplicaReply>(m: WithoutId<ReplicaRequest>, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.#next++;
    return new Promise<ReplicaReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.ref(); // a pending request keeps the process alive
      this.worker.postMessage({ ...m, id }, transfer);
    }) as Promise<T>;
  }
}
