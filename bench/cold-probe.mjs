// Imports one module in a fresh process and prints how long the import (module init, top-level
// await included) took, wall and CPU (user + system of this process: what contention on a shared
// machine disturbs least), and the resident set size after it. Plain JavaScript: no loader, so
// the measured time is the bundle's own. Usage: node bench/cold-probe.mjs <file.mjs>
import { pathToFileURL } from 'node:url';

const cpu = process.cpuUsage();
const started = performance.now();
await import(pathToFileURL(process.argv[2]).href);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
process.stdout.write(`${JSON.stringify({ ms, cpuMs, rssMiB: process.memoryUsage().rss / 1048576 })}\n`);
process.exit(0);
