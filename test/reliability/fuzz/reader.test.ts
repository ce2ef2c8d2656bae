import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { readInputs } from '../../../shared/events/index.js';
import { applyByteEdits, byteEditArb, owedForFile, owedForStdin, type Owed } from '../support/bytes.js';
import { fuzzOptions } from '../support/fuzz-options.js';
import { expectNoPollution, expectWellFormed, prototypeSnapshot } from '../support/invariants.js';
import { applyMutations, isLeaf, mutationArb } from '../support/mutations.js';
import { leafEvents, loadSeedFiles, type SeedFile } from '../support/seeds.js';

const SEED = 0xb17e_5eed;

/** The file layouts the reader accepts, each with the extension it is found under. */
const LAYOUTS = {
  single: { ext: '.json', render: (events: unknown[]) => JSON.stringify(events[0], null, 2) },
  array: { ext: '.json', render: (events: unknown[]) => JSON.stringify(events) },
  records: { ext: '.json', render: (events: unknown[]) => JSON.stringify({ Records: events }) },
  ndjson: { ext: '.ndjson', render: (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') },
  jsonl: { ext: '.jsonl', render: (events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\r\n')}\r\n` },
} as const;
type Layout = keyof typeof LAYOUTS;

async function collect(results: AsyncIterable<IntakeResult>): Promise<IntakeResult[]> {
  const out: IntakeResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

function expectOwed(results: IntakeResult[], owed: Owed, where: string): void {
  if (owed.exact !== undefined) expect(results.length, `results for ${where}`).toBe(owed.exact);
  else expect(results.length, `results for ${where}`).toBeGreaterThanOrEqual(owed.min);
  for (const r of results) expectWellFormed(r, where);
}

/** Serializes events, or null when one of them is nested deeper than JSON.stringify goes. */
function render(layout: Layout, events: unknown[]): string | null {
  try {
    return LAYOUTS[layout].render(events);
  } catch {
    return null;
  }
}

describe('Function: readInputs (fuzzed bytes and files)', () => {
  let dir: string;
  let seedFiles: SeedFile[];
  let leaves: unknown[];
  let counter = 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpguard-fuzz-'));
    seedFiles = loadSeedFiles();
    leaves = seedFiles.flatMap((s) => (s.value === undefined ? [] : leafEvents(s.value)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accounts for every record of mutated, re-encoded and corrupted files', async () => {
    const caseArb = fc.record({
      events: fc.array(fc.record({ seed: fc.nat(), mutations: fc.array(mutationArb, { maxLength: 2 }) }), {
        minLength: 1,
        maxLength: 5,
      }),
      layout: fc.constantFrom<Layout>(...(Object.keys(LAYOUTS) as Layout[])),
      gzip: fc.boolean(),
      plainEdits: fc.array(byteEditArb, { maxLength: 3 }),
      gzipEdits: fc.array(byteEditArb, { maxLength: 2 }),
    });
    const property = fc.asyncProperty(caseArb, async (c) => {
      // Prepare
      const events = c.events.map((e) => applyMutations(leaves[e.seed % leaves.length], e.mutations));
      const text = render(c.layout, events);
      fc.pre(text !== null && events.every(isLeaf));
      let bytes = applyByteEdits(Buffer.from(text!, 'utf8'), c.plainEdits);
      if (c.gzip) bytes = applyByteEdits(gzipSync(bytes), c.gzipEdits);
      const file = join(dir, `case-${counter++}${LAYOUTS[c.layout].ext}${c.gzip ? '.gz' : ''}`);
      writeFileSync(file, bytes);
      const before = prototypeSnapshot();

      // Act
      const results = await collect(readInputs([file]));

      // Assess
      expectOwed(results, owedForFile(bytes, file), file);
      expectNoPollution(before);
      rmSync(file);
    });
    await fc.assert(property, fuzzOptions(SEED, 200));
  });

  it('accounts for every record of the sample files with invalid UTF-8 and broken bytes', async () => {
    const property = fc.asyncProperty(
      fc.nat(),
      fc.array(byteEditArb, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      async (seed, edits, gzip) => {
        // Prepare
        const s = seedFiles[seed % seedFiles.length];
        const plain = applyByteEdits(s.bytes, edits);
        const bytes = gzip ? gzipSync(plain) : plain;
        const file = join(dir, `seed-${counter++}.json${gzip ? '.gz' : ''}`);
        writeFileSync(file, bytes);
        const before = prototypeSnapshot();

        // Act
        const results = await collect(readInputs([file]));

        // Assess
        expectOwed(results, owedForFile(bytes, file), file);
        expectNoPollution(before);
        rmSync(file);
      },
    );
    await fc.assert(property, fuzzOptions(SEED + 1, 200));
  });

  it('reads arbitrary bytes from stdin, split into arbitrary chunks, without losing a line', async () => {
    const property = fc.asyncProperty(
      fc.nat(),
      fc.array(byteEditArb, { maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.boolean(),
      async (seed, edits, cuts, asLines) => {
        // Prepare
        const s = seedFiles[seed % seedFiles.length];
        const source =
          asLines && s.value !== undefined
            ? Buffer.from(
                leafEvents(s.value)
                  .map((e) => JSON.stringify(e))
                  .join('\n'),
              )
            : s.bytes;
        const bytes = applyByteEdits(source, edits);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points]
          .map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length))
          .filter((b) => b.length > 0);
        const before = prototypeSnapshot();

        // Act
        const results = await collect(readInputs(['-'], { stdin: Readable.from(chunks) }));

        // Assess
        expectOwed(results, owedForStdin(bytes.toString('utf8')), '<stdin>');
        expectNoPollution(before);
      },
    );
    await fc.assert(property, fuzzOptions(SEED + 2, 200));
  });

  it('turns random bytes under an event file name into rejections, never a throw', async () => {
    const property = fc.asyncProperty(
      fc.uint8Array({ maxLength: 4096 }),
      fc.constantFrom('.json', '.json.gz', '.ndjson', '.ndjson.gz', '.jsonl'),
      async (raw, ext) => {
        // Prepare
        const bytes = Buffer.from(raw);
        const file = join(dir, `random-${counter++}${ext}`);
        writeFileSync(file, bytes);

        // Act
        const results = await collect(readInputs([file]));

        // Assess
        expectOwed(results, owedForFile(bytes, file), file);
        rmSync(file);
      },
    );
    await fc.assert(property, fuzzOptions(SEED + 3, 200));
  });
});
