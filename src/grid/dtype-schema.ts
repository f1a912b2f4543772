/** The zod schema of a {@link DType}, for configuration files; kept apart so readers need not load zod. */
import { z } from "zod";
import { DTYPES } from "./dtype.js";

/** Accepts one of {@link DTYPES}. */
export const dtypeSchema = z.enum(DTYPES);
