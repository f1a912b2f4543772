/**
 * One addition to tfjs-node's binding source before `tilecast native build` compiles it: string
 * and type list attributes (`TFE_OpSetAttrStringList`, `TFE_OpSetAttrTypeList`), which the
 * binding lacks (it sets int, float and bool lists, and single strings and types). TensorFlow's
 * `_FusedConv2D` takes both: `fused_ops: ["BiasAdd", "Relu"]` and the types of its extra
 * arguments, `TArgs`; it is a convolution with its bias and activation in one oneDNN call instead
 * of three ops (`native-fused-conv.ts`). An array value of a string or type attribute becomes a
 * list; everything the binding did before is unchanged. The source is patched once
 * (a marker comment says so); a source whose layout differs is left alone and the build goes on
 * without the addition.
 *
 * Internal (not exported from the package).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const MARKER = "// tilecast: string list attributes";
const ANCHOR = "    case TF_ATTR_STRING: {\n";
const TYPE_ANCHOR = "    case TF_ATTR_TYPE: {\n";

const ADDITION = `${ANCHOR}      ${MARKER}
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> strings(length);
        std::vector<const void *> values(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, strings[i]);
          ENSURE_NAPI_OK(env, nstatus);
          values[i] = strings[i].data();
          lengths[i] = strings[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, values.data(), lengths.data(),
                                static_cast<int>(length));
        break;
      }
`;

const TYPE_ADDITION = `${TYPE_ANCHOR}      // tilecast: type list attributes
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(env, element, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(), static_cast<int>(length));
        break;
      }
`;

/** Patch `pkgDir`'s binding source (see the module documentation); whether it has the addition. */
export async function patchBindingSource(pkgDir: string): Promise<boolean> {
  const file = join(pkgDir, "binding", "tfjs_backend.cc");
  const src = await readFile(file, "utf8");
  if (src.includes(MARKER)) return true;
  const once = (anchor: string) => src.split(anchor).length === 2;
  if (!once(ANCHOR) || !once(TYPE_ANCHOR) || !once("#include <string>\n")) return false;
  const patched = src
    .replace("#include <string>\n", "#include <string>\n#include <vector>\n")
    .replace(ANCHOR, ADDITION)
    .replace(TYPE_ANCHOR, TYPE_ADDITION);
  await writeFile(file, patched);
  return true;
}
