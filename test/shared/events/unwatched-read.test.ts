import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventFile, readInputs } from '../../../shared/events/index.js';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { loadJson, tempDir } from '../../helpers/fixtures.js';

const stop = () =>
  loadJson<{ detail: Record<string, unknown> }>('events/cloudtrail/cloudtrail-stop-logging-violation.json').detail;

/** A log file's text: watched calls carrying every spelling of a forbidden key, among unwatched ones. */
function logFile(): string {
  const watched = JSON.stringify({ ...stop(), requestParameters: { name: 'trail', constructor: { a: 1 } } });
  const escaped = JSON.stringify(stop()).replace('{', '{"\\u005f_proto__":{"polluted":true},"prototype":2,');
  const unwatched = JSON.stringify({ ...stop(), eventName: 'DescribeTrails', __proto__x: 1 });
  const protoKey = JSON.stringify(stop()).replace('{', '{"__proto__":{"polluted":true},');
  return `{"Records":[${[unwatched, watched, escaped, unwatched, protoKey, '{"eventSource":3}', unwatched].join(',')}]}`;
}

async function general(file: string): Promise<IntakeResult[]> {
  const out: IntakeResult[] = [];
  for await (const r of readInputs([file])) out.push(r);
  return out;
}

async function scanPath(file: string): Promise<{ items: IntakeResult[]; counted: number }> {
  let counted = 0;
  const items: IntakeResult[] = [];
  const read = await readEventFile(file, {
    unwatched: { watched: (_s, name) => name === 'StopLogging', count: () => void counted++ },
  });
  for await (const r of read as AsyncIterable<IntakeResult>) items.push(r);
  return { items, counted };
}

describe('Function: readEventFile with unwatched', () => {
  it('yields what readInputs yields for watched calls, forbidden keys dropped, and counts the rest', async () => {
    // Prepare
    const { dir } = await tempDir('tpguard-unwatched-');
    const file = join(dir, 'trail.json');
    await writeFile(file, logFile());

    // Act
    const all = await general(file);
    const { items, counted } = await scanPath(file);

    // Assess
    const watched = all.filter((r) => !r.ok || r.observation.trigger.eventName === 'StopLogging');
    expect(items).toEqual(watched);
    expect(counted + items.length).toBe(all.length);
    expect(counted).toBe(3);
    const json = JSON.stringify(items);
    expect(json).not.toMatch(/__proto__"|"constructor"|"prototype"|polluted/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('takes the general path for a file with two Records lists, with the same rejection', async () => {
    // Prepare
    const { dir } = await tempDir('tpguard-unwatched-');
    const file = join(dir, 'twice.json');
    await writeFile(file, `{"Records":[${JSON.stringify(stop())}],"Records":[]}`);

    // Act
    const all = await general(file);
    const { items, counted } = await scanPath(file);

    // Assess
    expect(items).toEqual(all);
    expect(counted).toBe(0);
    expect(all.some((r) => !r.ok && /duplicate "Records" key/.test(r.rejection.reason))).toBe(true);
  });
});
