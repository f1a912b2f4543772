/**
 * Records keyed by names read from files (metadata items, sidecar keys): `o[key] = value` would
 * reach `Object.prototype` for a key named `__proto__`, so these set and get own properties only.
 */

/** `o[key] = value` as an own property, whatever the key. */
export function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `o`'s own record under `key`, made when it has none. */
export function ownRecord<T>(o: Record<string, Record<string, T>>, key: string): Record<string, T> {
  if (!Object.hasOwn(o, key)) setOwn(o, key, {});
  return o[key] as Record<string, T>;
}
