#!/usr/bin/env node
// The tilecast command. `npm install` builds dist/ (the `prepare` script).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv);
