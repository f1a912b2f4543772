/** Flag parsers the commands share. */
import { InvalidArgumentError } from "commander";

/** Accumulate repeated `--set` flags. */
export const collectSet = (v: string, acc: string[]): string[] => [...acc, v];

/** A non-negative integer flag; a usage error naming the flag otherwise. */
export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};
