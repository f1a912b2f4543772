// Preloaded with `node --import`: appends every module URL the process resolves (ESM imports and,
// through the CommonJS loader, require() calls) to $TILECAST_TRACE_FILE, one per line.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const out = process.env.TILECAST_TRACE_FILE;
if (out) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from "node:fs";
      export async function resolve(specifier, context, next) {
        const r = await next(specifier, context);
        appendFileSync(${JSON.stringify(out)}, r.url + "\\n");
        return r;
      }`)}`,
  );
  const original = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const f = original.apply(this, args);
    appendFileSync(out, `${f}\n`);
    return f;
  };
}
