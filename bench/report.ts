import { renderTable } from '../cli/table.js';
import type { ColdResult } from './cold-start.js';
import type { CostResult } from './cost-model.js';
import type { HandlerResult } from './handler-bench.js';
import type { ScanResult } from './scan-bench.js';
import type { BaselineBenchResult } from './baseline-bench.js';

/** bench/results.json: one section per benchmark, each with the figures and the command behind them. */
export interface Results {
  machine?: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; date: string };
  scan?: ScanResult;
  handler?: HandlerResult;
  coldStart?: ColdResult;
  cost?: CostResult;
  baseline?: BaselineBenchResult;
}

const n = (v: number) => v.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');

function scanTable(s: ScanResult): string {
  const rows = [
    [
      'floor (read + gunzip + JSON.parse)',
      `${(s.floor.wallMs / 1000).toFixed(1)} s`,
      `${(s.floor.cpuMs / 1000).toFixed(1)} s`,
      n(s.floor.recordsPerSecond),
      `${s.floor.maxRssMiB} MiB`,
      '',
    ],
    [
      'tpguard scan --format ndjson',
      `${(s.scan.wallMs / 1000).toFixed(1)} s`,
      `${(s.scan.cpuMs / 1000).toFixed(1)} s`,
      n(s.scan.recordsPerSecond),
      `${s.scan.maxRssMiB} MiB`,
      n(s.scan.violations),
    ],
  ];
  return [
    `Scan: ${n(s.archive.records)} CloudTrail records in ${n(s.archive.files)} files (${mib(s.archive.gzipBytes)} gzip, ${mib(s.archive.jsonBytes)} JSON, ${n(s.archive.pipelineRecords)} pipeline calls), median of ${s.rounds} interleaved rounds`,
    renderTable(['RUN', 'WALL', 'CPU', 'RECORDS/S', 'PEAK RSS', 'VIOLATIONS'], rows),
    `ratio scan/floor: ${s.ratioWall}x wall, ${s.ratioCpu}x CPU (goal <= ${s.goals.maxRatio}x: ${verdict(s.goals.ratioMet)}); peak RSS ${s.scan.maxRssMiB} MiB (goal <= ${s.goals.maxRssMiB} MiB: ${verdict(s.goals.rssMet)})`,
    `where the time goes (CPU, in process, first ${n(s.breakdown.files)} files; each stage adds to the one above), start-up of an empty scan ${n(s.startupCpuMs)} ms:`,
    renderTable(
      ['STAGE', 'CPU', 'ADDED'],
      Object.entries(s.breakdown.stepsCpuMs).map(([k, v], i, all) => [
        k,
        `${n(v)} ms`,
        i === 0 ? '' : `${v - all[i - 1][1] >= 0 ? '+' : ''}${n(v - all[i - 1][1])} ms`,
      ]),
    ),
  ].join('\n');
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
    `${f.initWithSourceMapsMs} ms`,
    `${f.rssMiB} MiB`,
    f.met.zip && f.met.bundle && f.met.init
      ? 'met'
      : `NOT MET (${Object.entries(f.met)
          .filter(([, v]) => !v)
          .map(([k]) => k)
          .join(', ')})`,
  ]);
  return [
    `Cold start: module init of each deployment package in a fresh process, median of ${c.runs}, minus an empty module (${c.baselineMs} ms)`,
    renderTable(
      [
        'FUNCTION',
        'ZIP',
        'INDEX.MJS',
        'INIT',
        'INIT +SOURCE MAPS',
        'RSS',
        `GOALS (< ${c.goals.maxZipMiB} MiB, < ${c.goals.maxInitMs} ms)`,
      ],
      rows,
      90,
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

function baselineTable(b: BaselineBenchResult): string {
  return [
    `Baseline: a Config snapshot of ${n(b.snapshot.items)} items (${n(Math.round(b.snapshot.gzipBytes / 1024))} KiB gzip), the shipped pack; the AWS reader against a mocked account`,
    renderTable(
      ['stage', 'wall', 'items/s', 'notes'],
      [
        ['read + normalize the snapshot (scan/replay intake)', `${n(b.read.wallMs)} ms`, n(b.read.itemsPerSecond), ''],
        [
          'read + evaluate by the pack (tpguard scan, no store)',
          `${n(b.evaluate.wallMs)} ms`,
          n(b.evaluate.itemsPerSecond),
          `${n(b.evaluate.findings)} findings`,
        ],
        [
          'baseline --from: rules + drift store (dynalite) + reconcile',
          `${n(b.baseline.wallMs)} ms`,
          n(b.baseline.itemsPerSecond),
          `${n(b.baseline.evaluated)} evaluated, ${n(b.baseline.opened)} drift opened, ${n(b.baseline.dynamoRequestsPer1000)} DynamoDB requests per 1,000 items`,
        ],
      ],
    ),
    `AWS Config requests per 1,000 resources of one type: ${n(b.requests.configRequestsPer1000)} (${b.requests.configListPages} listing pages + ${b.requests.configBatchGets} BatchGetResourceConfig of 100); ${b.requests.emptyTypeListings} listings for the plan's types when empty; jobs: ${b.requests.jobListings} List*Jobs + ${b.requests.requestsPerJobInProgress} request per job in progress.`,
    `Reproduce: ${b.commands.all}`,
  ].join('\n');
}

/** The whole report as text, one block per section present. */
export function renderSections(r: Results): string {
  const blocks: string[] = [];
  if (r.machine)
    blocks.push(
      `Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadAverageAtStart.join(' ')} at start (${r.machine.date})`,
    );
  if (r.scan) blocks.push(scanTable(r.scan));
  if (r.handler) blocks.push(handlerTable(r.handler));
  if (r.coldStart) blocks.push(coldTable(r.coldStart));
  if (r.cost) blocks.push(costTable(r.cost));
  if (r.baseline) blocks.push(baselineTable(r.baseline));
  return `${blocks.join('\n\n')}\n`;
}
