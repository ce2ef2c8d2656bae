import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { MAX_LINE_BYTES, readInputs } from '../../../shared/events/reader.js';
import { collect, loadShape, SHAPES_DIR, tempDir, type Json } from '../../helpers/fixtures.js';
import { writeText } from '../../helpers/pack.js';

const summary = (results: IntakeResult[]) =>
  results.map((r) =>
    r.ok ? `${r.where} ${r.observation.eventId}` : `${r.rejection.where} REJECTED ${r.rejection.reason}`,
  );
const rejections = (results: IntakeResult[]) => results.flatMap((r) => (r.ok ? [] : [r.rejection]));

describe('Function: readInputs', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it('reads every shape fixture as observations, none rejected', async () => {
    // Prepare
    const skipped: string[] = [];
    const files: string[] = [];

    // Act
    const results = await collect(
      readInputs([SHAPES_DIR], { onSkip: (f) => skipped.push(f), onFile: (f) => files.push(f) }),
    );

    // Assess
    expect(rejections(results)).toEqual([]);
    expect(skipped).toEqual([]);
    expect(files).toHaveLength(18);
    expect(results).toHaveLength(24);
  });

  it('reads a CloudTrail log file, plain and gzip, record by record', async () => {
    // Prepare
    const plain = join(SHAPES_DIR, 'cloudtrail-log-file.json');
    const gz = join(SHAPES_DIR, '111122223333_CloudTrail_us-east-1_20261102T1045Z_iam.json.gz');

    // Act
    const results = await collect(readInputs([plain, gz]));

    // Assess
    expect(summary(results)).toEqual([
      `${plain}:0 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e01`,
      `${plain}:1 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e02`,
      `${plain}:2 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e03`,
      `${gz}:0 7e6d5c4b-3a29-4f18-8e07-f6e5d4c3b201`,
      `${gz}:1 7e6d5c4b-3a29-4f18-8e07-f6e5d4c3b202`,
    ]);
  });

  it('reads NDJSON (.ndjson, .jsonl and gzipped) line by line', async () => {
    // Prepare
    const ndjson = join(SHAPES_DIR, 'eventbridge-events.ndjson');
    const jsonl = join(SHAPES_DIR, 'cloudtrail-records.jsonl');
    const gz = join(dir, 'events.ndjson.gz');
    await writeFile(gz, gzipSync(await readFile(ndjson)));

    // Act
    const results = await collect(readInputs([ndjson, jsonl, gz]));

    // Assess
    expect(summary(results)).toEqual([
      `${ndjson}:0 3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a601`,
      `${ndjson}:1 3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a602`,
      `${jsonl}:0 4a5b6c7d-8e9f-40a1-b2c3-d4e5f6a7b801`,
      `${jsonl}:1 4a5b6c7d-8e9f-40a1-b2c3-d4e5f6a7b802`,
      `${gz}:0 3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a601`,
      `${gz}:1 3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a602`,
    ]);
  });

  it('reads JSON arrays and SNS deliveries', async () => {
    // Prepare
    const array = join(SHAPES_DIR, 'eventbridge-events-array.json');
    const sns = join(SHAPES_DIR, 'sns-wrapped-guardduty-finding.json');

    // Act
    const results = await collect(readInputs([array, sns]));

    // Assess
    expect(summary(results)).toEqual([
      `${array}:0 5d0b7a3e-0f2c-4a5e-9d61-2b7c8e9f1a01`,
      `${array}:1 5d0b7a3e-0f2c-4a5e-9d61-2b7c8e9f1a02`,
      `${sns}:0 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c01`,
    ]);
  });

  it('walks folders recursively in name order, skips hidden files and says which files are not events', async () => {
    // Prepare
    await cp(join(SHAPES_DIR, 'guardduty-malware-scan-result.json'), join(dir, 'b', 'deeper', 'scan.json'), {
      recursive: true,
    });
    await cp(join(SHAPES_DIR, 'config-rules-compliance-change.json'), join(dir, 'a.json'));
    await writeText(join(dir, 'b', 'exported.txt'), loadShape('sagemaker-pipeline-execution-status-change.json'));
    await writeText(join(dir, 'b', 'gzipped-without-suffix'), '');
    await writeFile(
      join(dir, 'b', 'gzipped-without-suffix'),
      gzipSync(JSON.stringify(loadShape('guardduty-finding-ec2-instance.json'))),
    );
    await writeText(join(dir, 'README.md'), '# notes\n');
    await writeText(join(dir, '.hidden.json'), '{ not even json');
    const skipped: string[] = [];

    // Act
    const results = await collect(readInputs([dir], { onSkip: (f, reason) => skipped.push(`${f}: ${reason}`) }));

    // Assess
    expect(summary(results)).toEqual([
      `${join(dir, 'a.json')} e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02`,
      `${join(dir, 'b', 'deeper', 'scan.json')} 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01`,
      `${join(dir, 'b', 'exported.txt')} f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e03`,
      `${join(dir, 'b', 'gzipped-without-suffix')} 7c1e9a35-2b4d-4f6a-8c0e-1a3b5c7d9e02`,
    ]);
    expect(skipped).toEqual([`${join(dir, 'README.md')}: not an event file (not JSON, NDJSON or gzip)`]);
  });

  it('rejects what it cannot read, one line each, and reads the rest', async () => {
    // Prepare
    const missing = join(dir, 'missing.json');
    const broken = join(dir, 'broken.json');
    const corruptGz = join(dir, 'corrupt.json.gz');
    const empty = join(dir, 'empty.json');
    const good = join(SHAPES_DIR, 'guardduty-malware-scan-result.json');
    await writeText(broken, '{"detail-type": "GuardDuty Finding", "detail": {,}}');
    await writeFile(corruptGz, Buffer.concat([gzipSync('{"Records": ['), Buffer.from('garbage')]).subarray(0, 30));
    await writeText(empty, '');

    // Act
    const results = await collect(readInputs([missing, broken, corruptGz, empty, good]));

    // Assess
    expect(rejections(results)).toEqual([
      { where: missing, reason: 'cannot read: ENOENT' },
      { where: broken, reason: expect.stringMatching(/^invalid JSON at position \d+ /) },
      { where: corruptGz, reason: expect.stringMatching(/^cannot read: |^invalid JSON at position \d+ /) },
      { where: empty, reason: 'invalid JSON: empty document' },
    ]);
    expect(rejections(results).every((r) => !r.reason.includes('\n'))).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: true, where: good });
  });

  it('rejects an empty or blank NDJSON file as it rejects an empty JSON file (not "no events")', async () => {
    // Prepare
    const empty = join(dir, 'empty.ndjson');
    const blank = join(dir, 'blank.jsonl');
    const gz = join(dir, 'empty.ndjson.gz');
    await writeText(empty, '');
    await writeText(blank, '\n  \r\n\n');
    await writeFile(gz, gzipSync(''));

    // Act
    const results = await collect(readInputs([empty, blank, gz]));

    // Assess
    expect(rejections(results)).toEqual([
      { where: empty, reason: 'empty file: no event in it' },
      { where: blank, reason: 'empty file: no event in it' },
      { where: gz, reason: 'empty file: no event in it' },
    ]);
  });

  it('rejects a bad record of an array or log file by index and keeps the others', async () => {
    // Prepare
    const file = join(dir, 'trail.json');
    const log = loadShape<Json>('cloudtrail-log-file.json');
    const text = JSON.stringify(log).replace('{"eventVersion"', '{"eventVersion": 1, oops, "x":{}}, {"eventVersion"');
    await writeText(file, text);

    // Act
    const results = await collect(readInputs([file]));

    // Assess
    expect(results.map((r) => r.ok)).toEqual([false, true, true, true]);
    expect(rejections(results)).toEqual([
      { where: `${file}:0`, reason: expect.stringMatching(/^invalid JSON at position \d+ /) },
    ]);
    expect(results[1]).toMatchObject({ where: `${file}:1` });
  });

  it('rejects a bad NDJSON line by its index and keeps the others', async () => {
    // Prepare
    const file = join(dir, 'events.ndjson');
    const event = JSON.stringify(loadShape('guardduty-malware-scan-result.json'));
    await writeText(file, `${event}\n{"broken": \n\n${event}\n${'x'.repeat(MAX_LINE_BYTES + 1)}\n`);

    // Act
    const results = await collect(readInputs([file]));

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false]);
    expect(rejections(results)).toEqual([
      { where: `${file}:1`, reason: expect.stringMatching(/^invalid JSON at position \d+ /) },
      { where: `${file}:3`, reason: `line too long (${MAX_LINE_BYTES + 1} bytes, limit ${MAX_LINE_BYTES})` },
    ]);
  });

  it('reads an NDJSON line whose strings hold U+2028 and U+2029 as one event (Node 24 readline ends lines there)', async () => {
    // Prepare
    const file = join(dir, 'separators.ndjson');
    const event = loadShape<Json>('guardduty-malware-scan-result.json');
    const marked = { ...event, detail: { ...event.detail, description: 'line\u2028separator\u2029paragraph' } };
    const text = `${JSON.stringify(marked)}\r\n${JSON.stringify(loadShape('config-rules-compliance-change.json'))}\n`;
    await writeText(file, text);

    // Act
    const fromFile = await collect(readInputs([file]));
    const fromStdin = await collect(readInputs(['-'], { stdin: Readable.from([text]) }));

    // Assess
    expect(summary(fromFile)).toEqual([
      `${file}:0 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01`,
      `${file}:1 e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02`,
    ]);
    expect(summary(fromStdin)).toEqual([
      '<stdin>:0 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01',
      '<stdin>:1 e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02',
    ]);
  });

  it('reads NDJSON from stdin', async () => {
    // Prepare
    const lines = [loadShape('guardduty-malware-scan-result.json'), loadShape('config-rules-compliance-change.json')]
      .map((e) => JSON.stringify(e))
      .join('\n');

    // Act
    const results = await collect(readInputs(['-'], { stdin: Readable.from([lines]) }));

    // Assess
    expect(summary(results)).toEqual([
      '<stdin>:0 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01',
      '<stdin>:1 e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02',
    ]);
  });

  it('reads one pretty-printed JSON document from stdin', async () => {
    // Prepare
    const text = await readFile(join(SHAPES_DIR, 'cloudtrail-log-file.json'), 'utf8');

    // Act
    const results = await collect(readInputs(['-'], { stdin: Readable.from([text.slice(0, 100), text.slice(100)]) }));

    // Assess
    expect(summary(results)).toEqual([
      '<stdin>:0 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e01',
      '<stdin>:1 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e02',
      '<stdin>:2 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e03',
    ]);
  });

  it('streams: yields the first record of a log file before the rest has arrived', async () => {
    // Prepare
    const stdin = new PassThrough();
    const log = loadShape<Json>('cloudtrail-log-file.json');
    const inputs = readInputs(['-'], { stdin });

    // Act
    stdin.write('{\n"Records": [\n');
    stdin.write(`${JSON.stringify(log.Records[0])},\n`);
    stdin.write(`${JSON.stringify(log.Records[1]).slice(0, 50)}`);
    const first = await inputs.next();
    stdin.end(`${JSON.stringify(log.Records[1]).slice(50)}\n]}\n`);
    const rest = await collect(inputs);

    // Assess
    expect(first.value).toMatchObject({
      ok: true,
      where: '<stdin>:0',
      observation: { eventId: log.Records[0].eventID },
    });
    expect(summary(rest)).toEqual([`<stdin>:1 ${log.Records[1].eventID}`]);
  });

  it('reads a large log file with the right count', async () => {
    // Prepare
    const file = join(dir, 'big.json.gz');
    const record = loadShape<Json>('cloudtrail-record-kms-schedule-key-deletion.json');
    const records = Array.from({ length: 20_000 }, (_, i) => ({ ...record, eventID: `e-${i}` }));
    await writeFile(file, gzipSync(JSON.stringify({ Records: records })));

    // Act
    let count = 0;
    let last = '';
    for await (const r of readInputs([file])) {
      if (r.ok) {
        count++;
        last = r.observation.eventId;
      }
    }

    // Assess
    expect(count).toBe(20_000);
    expect(last).toBe('e-19999');
  });
});
