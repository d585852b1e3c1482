#!/usr/bin/env node
// Launcher for `eai-bridge`: runs bin/eai-bridge.ts (see @eai/sdk/launch).
import { fileURLToPath } from "node:url";
import { launch } from "@eai/sdk/launch";

await launch("eai-bridge", fileURLToPath(new URL("./eai-bridge.ts", import.meta.url)));
