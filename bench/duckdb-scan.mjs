// The DuckDB peer of `tpguard scan` (npm run bench): DuckDB's JSON reader over the same CloudTrail
// files, a SQL filter on eventSource/eventName (the pairs the pack listens to), one thread a core.
// Prints {"records":N,"matched":N}. Usage: node bench/duckdb-scan.mjs <dir> <pairs.json>
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, pairsFile] = process.argv.slice(2);
const pairs = JSON.parse(readFileSync(pairsFile, 'utf8'));
const db = await DuckDBInstance.create(':memory:', { threads: String(availableParallelism()) });
const c = await db.connect();
const list = pairs.map(([s, n]) => `('${s.replaceAll("'", "''")}','${n.replaceAll("'", "''")}')`).join(',');
const sql = `
  WITH r AS (
    SELECT unnest(Records, recursive := false) AS r
    FROM read_json('${dir}/**/*.json*', columns = {Records: 'STRUCT(eventSource VARCHAR, eventName VARCHAR, eventID VARCHAR)[]'}, format = 'auto')
  )
  SELECT count(*) AS records,
         count(*) FILTER (WHERE (r.eventSource, r.eventName) IN (${list})) AS matched
  FROM r`;
const rows = (await c.runAndReadAll(sql)).getRowObjects();
process.stdout.write(`${JSON.stringify({ records: Number(rows[0].records), matched: Number(rows[0].matched) })}\n`);
