import { describe, expect, it } from "vitest";
import { z } from "zod";
import { safeParseNullAsAbsent } from "../../src/util/null-as-absent.js";

const schema = z.strictObject({
  quicklook: z.string().optional(),
  size: z.number().default(64),
  nodata: z.number().nullable().optional(),
  inner: z.strictObject({ path: z.string(), level: z.number().optional() }).optional(),
  bands: z.array(z.number()).optional(),
  list: z.array(z.strictObject({ k: z.number().optional() })).optional(),
});

describe("null as absent", () => {
  it("leaves out null members the schema rejects, at any depth, and fills their defaults", () => {
    const value = { quicklook: null, size: null, inner: { path: "a", level: null }, list: [{ k: null }, { k: 2 }] };
    const r = safeParseNullAsAbsent(schema, value);
    expect(r.success && r.data).toStrictEqual({ size: 64, inner: { path: "a" }, list: [{}, { k: 2 }] });
    // The caller's value is not modified.
    expect(value).toStrictEqual({
      quicklook: null,
      size: null,
      inner: { path: "a", level: null },
      list: [{ k: null }, { k: 2 }],
    });
  });

  it("keeps null where the schema takes it as a value", () => {
    const r = safeParseNullAsAbsent(schema, { nodata: null });
    expect(r.success && r.data).toStrictEqual({ size: 64, nodata: null });
  });

  it("reports a required member left null as missing, and a null in a list as a wrong value", () => {
    const required = safeParseNullAsAbsent(schema, { inner: { path: null } });
    expect(required.success).toBe(false);
    expect(required.error?.issues[0]?.path).toStrictEqual(["inner", "path"]);
    expect(required.error?.issues[0]?.message).toMatch(/expected string, received undefined/);
    const listed = safeParseNullAsAbsent(schema, { bands: [1, null] });
    expect(listed.error?.issues[0]?.path).toStrictEqual(["bands", 1]);
    expect(listed.error?.issues[0]?.message).toMatch(/expected number, received null/);
  });

  it("leaves other errors as they were", () => {
    const r = safeParseNullAsAbsent(schema, { size: "big", quicklook: null });
    expect(r.error?.issues[0]?.path).toStrictEqual(["size"]);
    expect(safeParseNullAsAbsent(schema, null).success).toBe(false);
  });
});
