/** `npm run bench [groups...] [--quick] [--check]`: see bench/harness.ts. */
import { main } from "./harness.js";
import { workloads } from "./workloads.js";

process.exitCode = await main(workloads(), process.argv.slice(2));
