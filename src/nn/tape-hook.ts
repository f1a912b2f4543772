/**
 * `onTapeNode(visit)`: see each node tfjs records on its gradient tape, just after it is recorded
 * and before any gradient runs, to change what it keeps or how its gradient runs
 * (`free-gradients.ts`, `shape-only-saves.ts`). The engine's `addTapeNode` is wrapped once; each
 * visitor is added to a list and removed by the function returned, so visitors come and go in
 * any order without undoing one another.
 *
 * Internal; for example:
 * ```ts internal
 * import { onTapeNode } from "./tape-hook.js";
 * const stop = onTapeNode((node) => console.log(node.kernelName));
 * stop();
 * ```
 */
import { tf } from "../tfjs.js";

/** What tilecast reads and changes of a tape node. */
export interface TapeNode {
  /** The kernel's name, or the op scope's for a custom gradient ("fusedConv2d__op"). */
  kernelName: string;
  /** The tensors kept for the gradient; the gradient function holds this same array. */
  saved?: unknown[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

const visitors = new Set<(node: TapeNode) => void>();
let wrapped = false;

/** Call `visit` on every node recorded from now on; returns a function that stops it. */
export function onTapeNode(visit: (node: TapeNode) => void): () => void {
  if (!wrapped) {
    wrapped = true;
    const proto = Object.getPrototypeOf(tf.engine()) as { addTapeNode: (...args: unknown[]) => void };
    const addTapeNode = proto.addTapeNode;
    proto.addTapeNode = function (this: { state: { activeTape: TapeNode[] | null } }, ...args: unknown[]) {
      addTapeNode.apply(this, args);
      const tape = this.state.activeTape;
      const node = tape?.[tape.length - 1];
      if (node) for (const v of visitors) v(node);
    };
  }
  visitors.add(visit);
  return () => {
    visitors.delete(visit);
  };
}
