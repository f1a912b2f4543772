/** `npm run bench`: every benchmark, each against the tool a user would pick instead. */
import { benchConvert } from "./convert.js";

benchConvert();
