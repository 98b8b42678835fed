// Usage: node invoke.mjs HANDLER_FILE OUT_FILE < events.json
//
// Runs the module's exported handler on each event of the JSON array on
// standard input, as Lambda would, and writes a JSON array of outcomes to
// OUT_FILE ({"result": ...} or {"error": "..."}). Standard output is left to
// the handler's own logging.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { handler } = await import(pathToFileURL(process.argv[2]).href);
const events = JSON.parse(readFileSync(0, "utf8"));
const outcomes = [];
for (const event of events) {
  try {
    outcomes.push({ result: (await handler(event, {})) ?? null });
  } catch (err) {
    outcomes.push({ error: `${err?.name}: ${err?.message}` });
  }
}
writeFileSync(process.argv[3], JSON.stringify(outcomes));
