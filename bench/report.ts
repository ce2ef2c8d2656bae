import { renderTable } from '../cli/table.js';
import type { ColdResult } from './cold-start.js';
import type { CostResult } from './cost-model.js';
import type { EvaluateResult } from './evaluate-bench.js';
import type { HandlerResult } from './handler-bench.js';
import { BACKFILL_ASSUMPTIONS, BACKFILL_PRICES, backfillCostPerMillion, type S3Result } from './s3-bench.js';
import type { ScanResult } from './scan-bench.js';

/** Where and when a section was measured. */
export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  loadAverageAtStart: number[];
  date: string;
}

/**
 * bench/results.json: one section per benchmark, each with the figures and the command behind them.
 * `machine` is the last run's; the scan and cold-start sections carry their own (a run of one
 * section keeps the others' figures, from earlier runs).
 */
export interface Results {
  machine?: Machine;
  scan?: ScanResult & { machine?: Machine };
  s3?: S3Result & { machine?: Machine };
  evaluate?: EvaluateResult & { machine?: Machine };
  handler?: HandlerResult;
  coldStart?: ColdResult & { machine?: Machine };
  cost?: CostResult;
}

const n = (v: number) => v.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');

function scanTable(s: ScanResult): string {
  const blocks = s.archives.map((a) => {
    const rows = a.runs.map((r) => [
      r.name,
      `${(r.wallMs / 1000).toFixed(2)} s`,
      `${r.ratio.toFixed(2)}x`,
      Number.isFinite(r.cpuMs) ? `${(r.cpuMs / 1000).toFixed(2)} s` : 'n/a',
      r.maxRssMiB === null ? 'n/a' : `${r.maxRssMiB} MiB`,
    ]);
    return [
      `${n(a.records)} records in ${n(a.files)} ${a.compression === 'gzip' ? '.json.gz' : 'plain .json'} files (${mib(a.bytes)}), median of ${s.rounds} alternating rounds:`,
      renderTable(['RUN', 'WALL', 'VS FLOOR', 'CPU', 'PEAK RSS'], rows, 110),
      ...a.skipped.map((k) => `skipped ${k.name}: ${k.note}`),
    ].join('\n');
  });
  const g = s.goals;
  const [plain, gzip] = [s.archives[0]!.runs, s.archives[1]!.runs];
  return [
    `Scan on ${s.cores} cores:`,
    ...blocks,
    `goals: --jobs 1 ${plain[1]!.ratio}x the floor on plain files (<= ${g.jobs1Plain}x: ${verdict(g.jobs1PlainMet as boolean)}), ${gzip[1]!.ratio}x on gzip (<= ${g.jobs1Gzip}x: ${verdict(g.jobs1GzipMet as boolean)}); all cores ${plain[2]!.ratio}x on plain (<= ${g.allCoresPlain}x: ${verdict(g.allCoresPlainMet as boolean)}); peak RSS of the scans ${g.peakRssMiB} MiB, main thread and workers (<= ${g.maxRssMiB} MiB: ${verdict(g.rssMet as boolean)})`,
    `start-up, median of ${s.startup.runs}: node -e 0 ${s.startup.nodeMs} ms, tpguard --version ${s.startup.versionMs} ms, tpguard scan <empty folder> ${s.startup.emptyScanMs} ms (<= ${g.startupMs} ms: ${verdict(g.startupMet as boolean)})`,
    `where the CPU goes (in process, first ${n(s.breakdown.files)} plain files; each stage adds to the one above):`,
    renderTable(
      ['STAGE', 'CPU', 'ADDED'],
      Object.entries(s.breakdown.stepsCpuMs).map(([k, v], i, all) => [
        k,
        `${n(v)} ms`,
        i === 0 ? '' : `${v - all[i - 1]![1] >= 0 ? '+' : ''}${n(v - all[i - 1]![1])} ms`,
      ]),
    ),
  ].join('\n');
}

function s3Table(s: S3Result): string {
  const row = (what: string, r: S3Result['disk']) => [
    what,
    `${(r.wallMs / 1000).toFixed(1)} s`,
    `${(r.cpuMs / 1000).toFixed(1)} s`,
    n(r.recordsPerSecond),
    `${r.maxRssMiB} MiB`,
    n(r.violations),
  ];
  return [
    `S3: ${n(s.archive.records)} CloudTrail records in ${n(s.archive.files)} objects (${mib(s.archive.gzipBytes)} gzip), local S3 server (fauxqs, own process) vs the same files on disk, median of ${s.rounds} interleaved rounds`,
    renderTable(
      ['RUN', 'WALL', 'CPU', 'RECORDS/S', 'PEAK RSS', 'VIOLATIONS'],
      [row('tpguard scan <dir> (disk)', s.disk), row('tpguard scan s3://... (--concurrency 8)', s.s3)],
    ),
    `ratio s3/disk: ${s.ratioWall}x wall, ${s.ratioCpu}x CPU; backfill worker: ${n(s.worker.recordsPerSecondMedian)} records/s per batch (median of ${n(s.worker.batches)} batches of ${s.worker.batchObjects} objects, ${n(s.worker.recordsPerBatch)} records each)`,
    backfillCostLine(s.worker.recordsPerSecondMedian),
  ].join('\n');
}

/** The backfill's cost per million and per billion records, from the measured worker throughput. */
function backfillCostLine(workerRecordsPerSecond: number): string {
  const c = backfillCostPerMillion(workerRecordsPerSecond);
  const p = BACKFILL_PRICES;
  const a = BACKFILL_ASSUMPTIONS;
  const usd4 = (v: number) => `$${v.toFixed(4)}`;
  return [
    `backfill cost per million records (${a.recordsPerObject} records per object, ${a.objectsPerBatch} objects per batch, ${a.transitionsPerBatch} transitions per batch, worker at ${a.workerMemoryMb} MB; Step Functions $${p.stepFunctionsPerThousandTransitions}/1,000 transitions, S3 GET $${p.s3GetPerThousand}/1,000, LIST $${p.s3ListPerThousand}/1,000, Lambda as above):`,
    `  ${n(c.objects)} GETs, ${n(c.batches)} batches, ${c.workerSeconds} worker-seconds: Step Functions ${usd4(c.stepFunctions)}, Lambda ${usd4(c.lambda)}, S3 ${usd4(c.s3)}, total ${usd4(c.total)} (${usd(c.total * 1000)} per billion)`,
  ].join('\n');
}

function evaluateLine(e: EvaluateResult): string {
  return `Evaluate: ${e.observations} watched observations of events/ (${e.findings} findings, digest ${e.findingsDigest}): ${e.evaluateUs} us each, JSON.parse of the record ${e.parseUs} us: ${e.ratio}x`;
}

function handlerTable(h: HandlerResult): string {
  const ops = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const rows = [
    ['intake + evaluate only (baseline)', n(h.evaluateOnly.eventsPerSecond), ''],
    ['dynalite PutItem, 1.2 KB items (baseline)', `${n(h.dynalitePutItem.putsPerSecond)} puts/s`, ''],
    [
      'ingest handler into dynalite',
      n(h.handler.eventsPerSecond),
      `p50 ${h.handler.p50Ms} ms, p99 ${h.handler.p99Ms} ms, CPU ${h.handler.cpuMsPerEvent} ms/event`,
    ],
  ];
  return [
    `Handler: ${n(h.events)} pipeline events (${h.findingsPerEvent} findings and ${h.transitionsPerEvent} transitions per event), dynalite in another process`,
    renderTable(['RUN', 'EVENTS/S', 'NOTES'], rows, 90),
    `DynamoDB requests per event: ${ops(h.requestsPerEvent)}; duplicate delivery: ${ops(h.duplicateRequestsPerEvent)}`,
    `writes per finding ${h.writesPerFinding} (budget <= ${h.budget.perFinding}), per duplicate finding ${h.duplicateWritesPerFinding} (budget <= ${h.budget.perDuplicateFinding}): ${verdict(h.budget.met)}; ${h.wruPerEvent} WRU and ${h.rruPerEvent} RRU per event`,
  ].join('\n');
}

function coldTable(c: ColdResult): string {
  const rows = c.functions.map((f) => [
    f.name,
    `${f.zipKiB} KiB`,
    `${f.bundleKiB} KiB`,
    `${f.initMs} ms`,
    `${f.baselineInitMs} ms`,
    `${f.ratio}x`,
    `${f.initCpuMs} / ${f.baselineInitCpuMs} ms`,
    `${f.cpuRatio}x`,
    `${f.initWithSourceMapsMs} ms`,
    `${f.rssMiB} MiB`,
    f.met.zip && f.met.bundle && f.met.ratio
      ? 'met'
      : `NOT MET (${Object.entries(f.met)
          .filter(([, v]) => !v)
          .map(([k]) => k)
          .join(', ')})`,
  ]);
  return [
    `Cold start: module init of each deployment package in a fresh process, median of ${c.runs}, minus an empty module (${c.baselineMs} ms), against its baseline (middy + Powertools + the same AWS SDK clients, bundled the same way)`,
    renderTable(
      [
        'FUNCTION',
        'ZIP',
        'INDEX.MJS',
        'INIT',
        'BASELINE INIT',
        'RATIO',
        'CPU / BASELINE CPU',
        'CPU RATIO',
        'INIT +SOURCE MAPS',
        'RSS',
        `GOALS (< ${c.goals.maxZipMiB} MiB, CPU ratio <= ${c.goals.maxBaselineRatio}x)`,
      ],
      rows,
      130,
    ),
  ].join('\n');
}

const usd = (v: number) => `$${v < 10 ? v.toFixed(2) : v.toFixed(0)}`;

function costTable(c: CostResult): string {
  const p = c.prices;
  const a = c.assumptions;
  const rows = c.rows.map((r) => [
    n(r.eventsPerMonth),
    `${r.memoryMb} MB`,
    n(r.invocations),
    `${r.durationMs} ms`,
    usd(r.lambda),
    usd(r.dynamodb),
    usd(r.storage),
    usd(r.eventbridge),
    usd(r.total),
  ]);
  return [
    `Cost model (monthly, ingest path, ${p.region} list prices as of ${p.asOf}, no free tier): Lambda arm64 $${p.lambdaArmPerGbSecond}/GB-s + $${p.lambdaPerMillionRequests}/M requests; DynamoDB on-demand $${p.dynamoPerMillionWru}/M WRU, $${p.dynamoPerMillionRru}/M RRU, $${p.dynamoPerGbMonth}/GB-month; EventBridge $${p.eventBridgePerMillionCustomEvents}/M custom events`,
    `assumed: ${a.routedShare * 100}% of CloudTrail events routed to Lambda, CPU stretched by ${a.fullVcpuMb}/memory, ${a.dynamoLatencyMs} ms per DynamoDB request, ${a.putEventsLatencyMs} ms per PutEvents, history kept ${a.historyMonths} months`,
    renderTable(
      [
        'CLOUDTRAIL EVENTS/MONTH',
        'MEMORY',
        'INVOCATIONS',
        'DURATION',
        'LAMBDA',
        'DYNAMODB REQUESTS',
        'DYNAMODB STORAGE',
        'EVENTBRIDGE',
        'TOTAL',
      ],
      rows,
    ),
  ].join('\n');
}

/** The whole report as text, one block per section present. */
export function renderSections(r: Results): string {
  const blocks: string[] = [];
  if (r.machine)
    blocks.push(
      `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadAverageAtStart.join(' ')} at start (${r.machine.date})`,
    );
  if (r.scan?.archives) blocks.push(scanTable(r.scan)); // older results.json files have another shape
  if (r.s3) blocks.push(s3Table(r.s3));
  if (r.evaluate) blocks.push(evaluateLine(r.evaluate));
  if (r.handler) blocks.push(handlerTable(r.handler));
  if (r.coldStart) blocks.push(coldTable(r.coldStart));
  if (r.cost) blocks.push(costTable(r.cost));
  return `${blocks.join('\n\n')}\n`;
}
