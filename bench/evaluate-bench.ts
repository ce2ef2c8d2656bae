import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../shared/config/index.js';
import { readInputs } from '../shared/events/index.js';
import { createEvaluator, evaluate, loadPolicyPack } from '../shared/policy/index.js';
import type { Observation } from '../shared/sources/index.js';
import { median, ROOT, round } from './measure.js';

/** Figures of `npm run bench -- --only evaluate` (issue 19: the cost of evaluating one watched call). */
export interface EvaluateResult {
  /** Observations of the event files under events/ that some rule watches (the rest cost a lookup). */
  observations: number;
  findings: number;
  /** sha256 (first 16 hex) of every finding, in order: the same figure before and after a change to the evaluator. */
  findingsDigest: string;
  passes: number;
  rounds: number;
  /** CPU microseconds per observation, median of the rounds. */
  parseUs: number;
  evaluateUs: number;
  /** evaluate / parse, both measured in the same rounds. */
  ratio: number;
  command: string;
}

/** The observations of events/ that some rule of the pack watches, with the text of each record. */
async function watched(): Promise<{ obs: Observation[]; texts: string[] }> {
  const files: string[] = [];
  for (const dir of readdirSync(join(ROOT, 'events'), { withFileTypes: true }))
    if (dir.isDirectory())
      for (const f of readdirSync(join(ROOT, 'events', dir.name)).sort())
        if (f.endsWith('.json')) files.push(join(ROOT, 'events', dir.name, f));
  const obs: Observation[] = [];
  for await (const item of readInputs(files.sort())) if (item.ok) obs.push(item.observation);
  return { obs, texts: obs.map((o) => JSON.stringify(o.raw)) };
}

const cpuUs = (f: () => void): number => {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

/**
 * In process, deterministic input: every observation of events/ a rule watches, evaluated against
 * the shipped pack and tpguard.config.yaml `passes` times per round; the baseline is `JSON.parse`
 * of the same records in the same rounds (alternating), so the ratio carries across machines.
 * @example await benchEvaluate({ rounds: 7, passes: 20, log: console.error })
 */
export async function benchEvaluate(opts: {
  rounds: number;
  passes: number;
  log: (s: string) => void;
}): Promise<EvaluateResult> {
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const config = await loadConfig(join(ROOT, 'tpguard.config.yaml'));
  const ev = createEvaluator(pack, config);
  const all = await watched();
  const keep = all.obs.map((o) => evaluate(ev, o).length > 0);
  const obs = all.obs.filter((_, i) => keep[i]);
  const texts = all.texts.filter((_, i) => keep[i]);
  const digest = createHash('sha256');
  let findings = 0;
  for (const o of obs) {
    const f = evaluate(ev, o);
    findings += f.length;
    digest.update(JSON.stringify(f));
  }
  const parse: number[] = [];
  const evaluated: number[] = [];
  let sink = 0;
  for (let r = 0; r < opts.rounds; r++) {
    parse.push(
      cpuUs(() => {
        for (let p = 0; p < opts.passes; p++) for (const t of texts) sink += (JSON.parse(t) as object) ? 1 : 0;
      }),
    );
    evaluated.push(
      cpuUs(() => {
        for (let p = 0; p < opts.passes; p++) for (const o of obs) sink += evaluate(ev, o).length;
      }),
    );
  }
  if (sink === 0) throw new Error('nothing evaluated');
  const per = obs.length * opts.passes;
  const parseUs = median(parse) / per;
  const evaluateUs = median(evaluated) / per;
  opts.log(`evaluate: ${round(evaluateUs, 1)} us per watched observation, JSON.parse ${round(parseUs, 1)} us`);
  return {
    observations: obs.length,
    findings,
    findingsDigest: digest.digest('hex').slice(0, 16),
    passes: opts.passes,
    rounds: opts.rounds,
    parseUs: round(parseUs, 1),
    evaluateUs: round(evaluateUs, 1),
    ratio: round(evaluateUs / parseUs, 1),
    command: `npm run bench -- --only evaluate --rounds ${opts.rounds}`,
  };
}
