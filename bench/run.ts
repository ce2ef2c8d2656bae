import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './measure.js';
import { benchColdStart } from './cold-start.js';
import { costModel } from './cost-model.js';
import { benchEvaluate } from './evaluate-bench.js';
import { benchHandler } from './handler-bench.js';
import { benchS3 } from './s3-bench.js';
import { benchScan } from './scan-bench.js';
import { readmeFigures, withFigures } from './readme.js';
import { renderSections, type Results } from './report.js';

/**
 * `npm run bench`: the benchmark suite of issue 8. Each figure is measured against a
 * baseline in the same run. Prints a table and writes bench/results.json (sections not
 * run keep their previous figures).
 *
 *   npm run bench                          # everything, 500,000 records (plain and gzip), 3 rounds
 *   npm run bench -- --only scan --records 100000 --rounds 1
 *   npm run bench -- --only s3                     # scan s3:// (local S3 server) vs disk, worker per batch
 *   npm run bench -- --only evaluate --rounds 7    # evaluate() per watched observation of events/ vs JSON.parse
 */
const SECTIONS = ['scan', 's3', 'evaluate', 'handler', 'cold', 'cost'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    records: { type: 'string', default: '500000' },
    's3-records': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    events: { type: 'string', default: '2000' },
    'cold-runs': { type: 'string', default: '7' },
  },
});

const only = new Set((values.only?.split(',') ?? SECTIONS) as Section[]);
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s} (one of ${SECTIONS.join(', ')})`);
const records = Number(values.records);
const rounds = Number(values.rounds);
if (!Number.isInteger(records) || records < 1000 || records % 1000 !== 0)
  throw new Error('--records must be a multiple of 1000');
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const file = join(ROOT, 'bench', 'results.json');
const results: Results = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Results) : {};
results.machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  date: new Date().toISOString(),
};

if (only.has('scan')) results.scan = { ...(await benchScan({ records, rounds, log })), machine: results.machine };
if (only.has('s3')) {
  const s3Records = Number(values['s3-records'] ?? records);
  if (!Number.isInteger(s3Records) || s3Records < 1000 || s3Records % 1000 !== 0)
    throw new Error('--s3-records must be a multiple of 1000');
  results.s3 = { ...(await benchS3({ records: s3Records, rounds, log })), machine: results.machine };
}
if (only.has('evaluate'))
  results.evaluate = {
    ...(await benchEvaluate({ rounds: Math.max(rounds, 5), passes: 20, log })),
    machine: results.machine,
  };
if (only.has('handler')) results.handler = await benchHandler({ events: Number(values.events), log });
if (only.has('cold'))
  results.coldStart = {
    ...(await benchColdStart({ runs: Number(values['cold-runs']), log })),
    machine: results.machine,
  };
if (only.has('cost')) {
  if (!results.handler) throw new Error('the cost model needs the handler figures: run --only handler,cost');
  results.cost = costModel(results.handler);
}

writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
// The README shows what results.json holds (test/bench/readme.test.ts): both change together.
const readme = join(ROOT, 'README.md');
writeFileSync(readme, withFigures(readFileSync(readme, 'utf8'), readmeFigures(results)));
process.stdout.write(renderSections(results));
process.stdout.write(`\nwritten: bench/results.json and the figures of README.md\n`);
