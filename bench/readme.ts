import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ColdResult } from './cold-start.js';
import type { EvaluateResult } from './evaluate-bench.js';
import type { Machine, Results } from './report.js';
import type { ScanResult } from './scan-bench.js';

/**
 * The README's performance figures, written from bench/results.json by every `npm run bench` and
 * by `npm run bench:readme` (what the last runs measured) between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`.
 * The figures are never typed by hand, and test/bench/readme.test.ts fails when the README and
 * results.json disagree.
 */

const n = (v: number) => v.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const met = (ok: unknown) => (ok ? '**met**' : '**not met**');

function machineLine(m: Machine | undefined): string {
  return m
    ? `Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} x ${m.cpuModel}, Node ${m.node}, load average ${m.loadAverageAtStart.join(' ')} at start (a machine shared with other work: the ratios, each against a baseline measured in the same run, are what carries over).`
    : '';
}

function scanFigures(sc: ScanResult): string {
  const out: string[] = [];
  for (const a of sc.archives) {
    const kind = a.compression === 'gzip' ? '`.json.gz`' : 'plain `.json`';
    out.push(
      `${n(a.records)} records in ${n(a.files)} ${kind} files (${(a.bytes / 1048576).toFixed(0)} MiB), median of ${sc.rounds} alternating rounds:`,
      '',
      '| run | wall | vs floor | CPU | peak RSS |',
      '|---|---|---|---|---|',
      ...a.runs.map(
        (x) =>
          `| ${x.name.replaceAll('|', '\\|')} | ${s(x.wallMs)} | ${x.ratio.toFixed(2)}x | ${Number.isFinite(x.cpuMs) ? s(x.cpuMs) : 'n/a'} | ${x.maxRssMiB === null ? 'n/a' : `${x.maxRssMiB} MiB`} |`,
      ),
      ...a.skipped.map((k) => `\nSkipped ${k.name}: ${k.note}.`),
      '',
    );
  }
  const g = sc.goals;
  const [plain, gzip] = [sc.archives[0]!.runs, sc.archives[1]!.runs];
  out.push(
    'Goals of issue 19 (ratios to the floor of the same run):',
    '',
    `- \`scan --jobs 1\` at most ${g.jobs1Plain}x the floor on plain files: ${plain[1]!.ratio.toFixed(2)}x, ${met(g.jobs1PlainMet)}; at most ${g.jobs1Gzip}x on gzip: ${gzip[1]!.ratio.toFixed(2)}x, ${met(g.jobs1GzipMet)}.`,
    `- \`scan\` on all ${sc.cores} cores at most ${g.allCoresPlain}x the floor on plain files: ${plain[2]!.ratio.toFixed(2)}x, ${met(g.allCoresPlainMet)}; at most ${g.maxRssMiB} MiB peak RSS (main thread and workers, both archives): ${g.peakRssMiB} MiB, ${met(g.rssMet)}.`,
  );
  const steps = Object.entries(sc.breakdown.stepsCpuMs);
  out.push(
    '',
    `Where one core's CPU goes, in process over the first ${n(sc.breakdown.files)} plain files (\`bench/scan-breakdown.ts\`, least of 3 rounds; each stage adds to the one above):`,
    '',
    '| stage | CPU | added |',
    '|---|---|---|',
    ...steps.map(
      ([k, v], i) =>
        `| ${k} | ${n(v)} ms | ${i === 0 ? '' : `${v - steps[i - 1]![1] >= 0 ? '+' : ''}${n(v - steps[i - 1]![1])} ms`} |`,
    ),
  );
  return out.join('\n');
}

function startupFigures(sc: ScanResult): string {
  const st = sc.startup;
  const g = sc.goals;
  return `Median of ${st.runs}: \`node -e 0\` ${st.nodeMs} ms (the baseline), \`tpguard --version\` ${st.versionMs} ms, \`tpguard scan <empty folder>\` ${st.emptyScanMs} ms; goal at most ${g.startupMs} ms: ${met(g.startupMet)}.`;
}

function coldFigures(c: ColdResult): string {
  return [
    `Median of ${c.runs} runs each (\`${c.command}\`), minus an empty module (${c.baselineMs} ms):`,
    '',
    `| function | zip | index.mjs | init (wall) | baseline init (wall) | wall ratio | init CPU / baseline CPU | CPU ratio (goal <= ${c.goals.maxBaselineRatio}x) | init with \`--enable-source-maps\` |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...c.functions.map(
      (f) =>
        `| ${f.name} | ${f.zipKiB} KiB | ${f.bundleKiB} KiB | ${f.initMs} ms | ${f.baselineInitMs} ms | ${f.ratio}x | ${f.initCpuMs} / ${f.baselineInitCpuMs} ms | ${f.cpuRatio}x, ${met(f.met.ratio)} | ${f.initWithSourceMapsMs} ms |`,
    ),
  ].join('\n');
}

function evaluateFigures(e: EvaluateResult): string {
  return `\`${e.command}\`: the ${e.observations} observations of \`events/\` a rule watches, ${e.passes} passes a round, median of ${e.rounds} rounds, CPU time in process: \`evaluate()\` ${e.evaluateUs} µs per observation, ${e.ratio}x \`JSON.parse\` of the same records (${e.parseUs} µs, the baseline of the same rounds); ${e.findings} findings, digest \`${e.findingsDigest}\` (unchanged by the fix).`;
}

/** The text of each figures block, from the results of the last run (a block is absent when its section never ran). */
export function readmeFigures(r: Results): Record<string, string> {
  const blocks: Record<string, string> = {};
  if (r.scan?.archives) {
    blocks.scan = `${machineLine(r.scan.machine ?? r.machine)}\n\n${scanFigures(r.scan)}`;
    blocks.startup = startupFigures(r.scan);
  }
  if (r.evaluate) blocks.evaluate = `${machineLine(r.evaluate.machine ?? r.machine)}\n\n${evaluateFigures(r.evaluate)}`;
  if (r.coldStart) blocks.cold = `${machineLine(r.coldStart.machine ?? r.machine)}\n\n${coldFigures(r.coldStart)}`;
  return blocks;
}

/**
 * `readme` with each `<!-- figures:NAME -->` ... `<!-- /figures:NAME -->` block replaced by `blocks[NAME]`.
 * @example withFigures(readme, { scan: '| run | ...' })
 */
export function withFigures(readme: string, blocks: Record<string, string>): string {
  let text = readme;
  for (const [name, body] of Object.entries(blocks)) {
    const open = `<!-- figures:${name} -->`;
    const close = `<!-- /figures:${name} -->`;
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md: no ${open} ... ${close} block`);
    text = `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
  }
  return text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(import.meta.dirname, '..');
  const results = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as Results;
  const readme = join(root, 'README.md');
  writeFileSync(readme, withFigures(readFileSync(readme, 'utf8'), readmeFigures(results)));
  process.stdout.write('README.md: figures written from bench/results.json\n');
}
