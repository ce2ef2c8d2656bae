import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { readInputs } from '../../../shared/events/index.js';
import { toIsoTime } from '../../../shared/sources/index.js';
import { applyByteEdits, byteEditArb } from '../support/bytes.js';
import { fuzzOptions } from '../support/fuzz-options.js';
import { applyMutations, mutationArb } from '../support/mutations.js';
import { loadLeafEvents } from '../support/seeds.js';

/**
 * The scan's fast paths (found with `npm run bench`) must give exactly what the general
 * paths give: the ISO shortcut for CloudTrail times, and small files read whole instead
 * of streamed through the record splitter.
 */
const SEED = 0xfa57_0001;

async function collect(results: AsyncIterable<IntakeResult>): Promise<IntakeResult[]> {
  const out: IntakeResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

describe('Function: fast paths equal the general paths', () => {
  let dir: string;
  let leaves: unknown[];
  let counter = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpguard-fast-'));
    leaves = loadLeafEvents();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same ISO time as Date.parse for every YYYY-MM-DDTHH:MM:SSZ text', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const property = fc.property(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      two(13),
      two(32),
      two(25),
      two(60),
      two(61),
      (y, mo, d, h, mi, s) => {
        // Prepare
        const text = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
        const ms = Date.parse(text);
        const general =
          Number.isFinite(ms) && new Date(ms).toISOString().length === 24 ? new Date(ms).toISOString() : undefined;

        // Act
        const fast = toIsoTime(text);

        // Assess
        expect(fast).toBe(general);
      },
    );
    fc.assert(property, fuzzOptions(SEED, 2000));
  });

  it('reads a file whole with the same results and locations as the streaming splitter', async () => {
    const property = fc.asyncProperty(
      fc.array(
        fc.record({
          seed: fc.nat(),
          mutations: fc.array(
            mutationArb.filter((m) => m.kind !== 'deepNest'),
            { maxLength: 2 },
          ),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.boolean(),
      fc.array(byteEditArb, { maxLength: 2 }),
      fc.boolean(),
      async (specs, asRecords, edits, gzip) => {
        // Prepare
        const events = specs.map((s) => applyMutations(leaves[s.seed % leaves.length], s.mutations));
        const text = applyByteEdits(
          Buffer.from(JSON.stringify(asRecords ? { Records: events } : events, null, 1)),
          edits,
        );
        const file = join(dir, `doc-${counter++}.json${gzip ? '.gz' : ''}`);
        writeFileSync(file, gzip ? gzipSync(text) : text);

        // Act
        const whole = await collect(readInputs([file]));
        const streamed = await collect(readInputs([file], { wholeFileBytes: -1 }));

        // Assess
        expect(whole).toEqual(streamed);
        rmSync(file);
      },
    );
    await fc.assert(property, fuzzOptions(SEED + 1, 100));
  });
});
