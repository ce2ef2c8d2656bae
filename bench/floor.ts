import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/**
 * The floor of the scan benchmark: what reading a CloudTrail archive costs before any
 * tpguard work. It reads, gunzips and JSON.parses every file, one at a time, as the
 * scan does, and prints `{"files":N,"records":N}`.
 * Usage: node --import tsx bench/floor.ts <dir>
 */
const gunzipAsync = promisify(gunzip);

async function* files(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* files(full);
    else if (e.name.endsWith('.json.gz')) yield full;
  }
}

let count = 0;
let records = 0;
for await (const file of files(process.argv[2] ?? '.')) {
  const doc = JSON.parse((await gunzipAsync(await readFile(file))).toString('utf8')) as { Records: unknown[] };
  records += doc.Records.length;
  count++;
}
process.stdout.write(`${JSON.stringify({ files: count, records })}\n`);
