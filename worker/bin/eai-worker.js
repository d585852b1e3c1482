#!/usr/bin/env node
// Launcher for `eai-worker`: runs bin/eai-worker.ts (see @eai/sdk/launch).
import { fileURLToPath } from "node:url";
import { launch } from "@eai/sdk/launch";

await launch("eai-worker", fileURLToPath(new URL("./eai-worker.ts", import.meta.url)));
