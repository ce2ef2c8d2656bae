import { readFileSync } from 'node:fs';
import { main } from '../../cli/main.js';

/** The review-cycle fixtures: a three-rule pack, its events and a configuration with a `reviews` section. */
export const FIXTURES = new URL('../shared/review/fixtures/pack/', import.meta.url).pathname;
export const CONFIG = `${FIXTURES}tpguard.config.yaml`;
export const POLICY = `${FIXTURES}policies`;

/** A fixture event, deep-copied so that tests can change it. */
export function fixtureEvent(name: string): Record<string, unknown> {
  return structuredClone(JSON.parse(readFileSync(`${FIXTURES}events/${name}`, 'utf8')) as Record<string, unknown>);
}

/** A CloudTrail or GuardDuty fixture moved to another time (and id), with optional request changes. */
export function eventAt(
  name: string,
  time: string,
  id: string,
  change: (detail: Record<string, unknown>) => void = () => undefined,
): Record<string, unknown> {
  const e = fixtureEvent(name);
  e.id = id;
  e.time = time;
  const detail = e.detail as Record<string, unknown>;
  if ('eventTime' in detail) {
    detail.eventTime = time;
    detail.eventID = id;
  } else {
    detail.updatedAt = time;
    detail.createdAt = time;
    detail.id = id.replace(/-/g, '');
  }
  change(detail);
  return e;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the tpguard CLI in this process (the same code `npx tpguard` runs) and captures its output.
 * @example const r = await tpguard('--now', '2027-04-01T07:00:00Z', 'review', 'run', '--data-dir', dir)
 */
export async function tpguard(...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'tpguard', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

/** The lines of `<data-dir>/outbox.ndjson`, parsed. */
export function outbox(dataDir: string): Record<string, unknown>[] {
  try {
    return readFileSync(`${dataDir}/outbox.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}
