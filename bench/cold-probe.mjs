// Imports one module in a fresh process and prints how long the import (module init, top-level
// await included) took and the resident set size after it. Plain JavaScript: no loader, so
// the measured time is the bundle's own. Usage: node bench/cold-probe.mjs <file.mjs>
import { pathToFileURL } from 'node:url';

const started = performance.now();
await import(pathToFileURL(process.argv[2]).href);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rssMiB: process.memoryUsage().rss / 1048576 })}\n`);
process.exit(0);
