/** True when `path` is an http(s) URL rather than a local path. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}
