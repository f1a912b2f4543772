/** `npm run bench`: every benchmark, each against the tool a user would pick instead. */
import { benchCog } from "./cog.js";
import { benchConvert } from "./convert.js";
import { benchModels } from "./models.js";
import { benchStages } from "./stages.js";
import { benchZarr } from "./zarr.js";

const only = process.argv[2];
if (!only || only === "convert") benchConvert();
if (!only || only === "cog") benchCog();
if (!only || only === "zarr") benchZarr();
if (!only || only === "stages") benchStages();
if (!only || only === "models") benchModels();
