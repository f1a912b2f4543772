/**
 * A remote store's metadata documents, asked for together while it opens. Over http each document
 * is a round trip, and opening read them one after another: the root `zarr.json`, then
 * `.zmetadata`, then each array's own `.zarray` (read even beside consolidated metadata, to
 * check it: `dataset.ts`), then zarrita's own reads. With them asked for at once, an open waits
 * for a round trip per stage, not per document. Each document is fetched once while the store
 * opens; after that the store reads as before, so a document that changes is read afresh.
 *
 * Internal (used by `dataset.ts`).
 */
import type * as zarr from "zarrita";

/** The keys of metadata documents: v2's `.zarray`, `.zattrs`, `.zgroup`, `.zmetadata`; v3's `zarr.json`. */
const META = /(^|\/)(\.zarray|\.zattrs|\.zgroup|\.zmetadata|zarr\.json)$/;

/** The documents of a store being opened; see the module documentation. */
export interface MetadataAhead {
  /** Ask now for the documents of arrays `names` (`.zattrs` only where no consolidated copy holds them). */
  arrays(names: readonly string[], format: 2 | 3, consolidated: boolean): void;
  /** The store is open: read documents afresh from now on. */
  stop(): void;
}

/**
 * Read `store`'s metadata documents through a memo while it opens, asking for `first` at once
 * (the root documents that tell its format and whether it is consolidated).
 */
export function metadataAhead(store: Pick<zarr.AsyncReadable, "get">, first: readonly string[]): MetadataAhead {
  const docs = new Map<string, Promise<Uint8Array | undefined>>();
  const get = store.get.bind(store);
  let opening = true;
  const ask = (key: string) => {
    let doc = docs.get(key);
    if (!doc) {
      doc = get(key as zarr.AbsolutePath);
      doc.catch(() => undefined); // a document nobody reads fails nothing
      docs.set(key, doc);
    }
    return doc;
  };
  store.get = (key, opts) => (opening && META.test(key) ? ask(key) : get(key, opts));
  for (const key of first) ask(key);
  return {
    arrays(names, format, consolidated) {
      for (const at of names.map((n) => (n ? `/${n}` : ""))) {
        if (format === 3) ask(`${at}/zarr.json`);
        else {
          ask(`${at}/.zarray`);
          if (!consolidated) ask(`${at}/.zattrs`);
        }
      }
    },
    stop() {
      opening = false;
      docs.clear();
    },
  };
}
