import { renderTable } from '../cli/table.js';
import type { ScanResult } from './scan-bench.js';

/** bench/results.json: one section per benchmark, each with the figures and the command behind them. */
export interface Results {
  machine?: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; date: string };
  scan?: ScanResult;
}

const n = (v: number) => v.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');

function scanTable(s: ScanResult): string {
  const rows = [
    ['floor (read + gunzip + JSON.parse)', `${(s.floor.wallMs / 1000).toFixed(1)} s`, `${(s.floor.cpuMs / 1000).toFixed(1)} s`, n(s.floor.recordsPerSecond), `${s.floor.maxRssMiB} MiB`, ''],
    ['tpguard scan --format ndjson', `${(s.scan.wallMs / 1000).toFixed(1)} s`, `${(s.scan.cpuMs / 1000).toFixed(1)} s`, n(s.scan.recordsPerSecond), `${s.scan.maxRssMiB} MiB`, n(s.scan.violations)],
  ];
  return [
    `Scan: ${n(s.archive.records)} CloudTrail records in ${n(s.archive.files)} files (${mib(s.archive.gzipBytes)} gzip, ${mib(s.archive.jsonBytes)} JSON, ${n(s.archive.pipelineRecords)} pipeline calls), median of ${s.rounds} interleaved rounds`,
    renderTable(['RUN', 'WALL', 'CPU', 'RECORDS/S', 'PEAK RSS', 'VIOLATIONS'], rows),
    `ratio scan/floor: ${s.ratioWall}x wall, ${s.ratioCpu}x CPU (goal <= ${s.goals.maxRatio}x: ${verdict(s.goals.ratioMet)}); peak RSS ${s.scan.maxRssMiB} MiB (goal <= ${s.goals.maxRssMiB} MiB: ${verdict(s.goals.rssMet)})`,
  ].join('\n');
}

/** The whole report as text, one block per section present. */
export function renderSections(r: Results): string {
  const blocks: string[] = [];
  if (r.machine) blocks.push(`Machine: ${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadAverageAtStart.join(' ')} at start (${r.machine.date})`);
  if (r.scan) blocks.push(scanTable(r.scan));
  return `${blocks.join('\n\n')}\n`;
}
