/** True when `path` is an http(s) URL rather than a local path. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** A URL fit to print or record: its password replaced by `***` (Redis, http with credentials). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/**
 * The name of a file beside `path`: `rename` applied to a local path, or to an http(s) URL's path
 * with its query kept (a signed URL's token, which object stores grant for a whole container).
 */
export function besidePath(path: string, rename: (p: string) => string): string {
  if (!isUrl(path)) return rename(path);
  const u = new URL(path);
  u.pathname = rename(u.pathname); // as sent: percent-escapes stay as they are
  return u.toString();
}
