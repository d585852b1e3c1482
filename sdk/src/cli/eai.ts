/** Entry point of the `eai` CLI (started by sdk/bin/eai.js). */
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
