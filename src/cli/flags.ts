/** Flag parsers the commands share. */
import { type Command, InvalidArgumentError } from "commander";
import { TilecastError } from "../errors.js";

/** Accumulate repeated `--set` flags. */
export const collectSet = (v: string, acc: string[]): string[] => [...acc, v];

/** Accumulate repeated `--index dim=i` flags. */
export function collectIndex(value: string, acc: Record<string, number>): Record<string, number> {
  const m = /^([^=]+)=(-?\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--index takes DIM=I, got '${value}'`);
  return { ...acc, [m[1] as string]: Number(m[2]) };
}

/** A non-negative integer flag; a usage error naming the flag otherwise. */
export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

/** A positive integer flag (a count of things at once, of tries, of tiles); a usage error otherwise. */
export const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

/** A TCP port, 0 (any free one) to 65535. */
export const port = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${name} must be a port, 0 to 65535`);
  return n;
};

/**
 * Refuse flags of `cmd` the user gave that apply only `where` (not the case): `run --wait 10m`
 * without `--cycle` waited for nothing and said nothing. `keys` are the options' attribute names.
 */
export function onlyWhere(cmd: Command, keys: readonly string[], applies: boolean, where: string): void {
  if (applies) return;
  const given = cmd.options.find(
    (o) => keys.includes(o.attributeName()) && cmd.getOptionValueSource(o.attributeName()) === "cli",
  );
  if (given) throw new TilecastError("E_ARGUMENT", `${given.long} is for ${where}`);
}

/** `90s`, `10m`, `2h`, `30d` or plain seconds, in ms; the error names `flag` and gives `examples`. */
export function durationMs(text: string, flag = "--wait", examples = "90s, 10m, 2h"): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new TilecastError("E_ARGUMENT", `${flag}: '${text}' is not a duration (e.g. ${examples})`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? "s") as "ms" | "s" | "m" | "h" | "d"
  ];
  return Number(m[1]) * unit;
}
