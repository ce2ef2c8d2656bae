import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/**
 * The floor of the scan benchmark: what reading a CloudTrail archive costs before any
 * tpguard work. It reads, gunzips and JSON.parses every file, one at a time, as the
 * scan does, and prints `{"files":N,"records":N}`.
 * Plain JavaScript, so that no loader adds to its time.
 * Usage: node bench/floor.mjs <dir>
 */
const gunzipAsync = promisify(gunzip);

/** @param {string} dir @returns {AsyncGenerator<string>} */
async function* files(dir) {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* files(full);
    else if (e.name.endsWith('.json.gz') || e.name.endsWith('.json')) yield full;
  }
}

/** The file's text, inflated when it is gzip (by its magic bytes, as the scan decides). */
/** @param {string} file */
async function readText(file) {
  const bytes = await readFile(file);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzipAsync(bytes) : bytes).toString('utf8');
}

let count = 0;
let records = 0;
for await (const file of files(process.argv[2] ?? '.')) {
  const doc = JSON.parse(await readText(file));
  records += doc.Records.length;
  count++;
}
process.stdout.write(`${JSON.stringify({ files: count, records })}\n`);
