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
