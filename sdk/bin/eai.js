#!/usr/bin/env node
// Launcher for `eai`: runs src/cli/eai.ts (see launch.js).
import { fileURLToPath } from "node:url";
import { launch } from "./launch.js";

await launch("eai", fileURLToPath(new URL("../src/cli/eai.ts", import.meta.url)));
