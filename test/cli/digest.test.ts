import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outbox, tpguard } from './review-support.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tpguard-digest-'));
const store = ['--data-dir', dir, '--config', join(ROOT, 'tpguard.config.yaml'), '--policy', join(ROOT, 'policies')];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Command: tpguard digest', () => {
  it('escalates drift open past escalateAfterHours and sends one digest per owner, then nothing new the same day', async () => {
    // Prepare
    await tpguard(
      'replay',
      join(ROOT, 'events/cloudtrail/s3-put-bucket-policy-public-violation.json'),
      '--quiet',
      ...store,
    );
    const before = outbox(dir).length;
    // Act
    const first = await tpguard('--now', '2026-11-04T09:00:00Z', 'digest', ...store);
    const afterFirst = outbox(dir);
    const second = await tpguard('--now', '2026-11-04T18:00:00Z', 'digest', ...store);
    // Assess
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^digest: 1 open drift; 1 drift escalated to the default owners; digests sent: email nlp\n$/m,
    );
    const added = afterFirst.slice(before);
    expect(added.map((l) => [l.channel, l.transition, l.owner])).toEqual([
      ['email', 'escalated', 'default'],
      ['slack', 'escalated', 'default'],
      ['email', 'digest', 'nlp'],
    ]);
    expect(second.out).toContain(
      'digest: 1 open drift; 0 drift escalated to the default owners; digests sent: none; 1 already sent today',
    );
    expect(outbox(dir)).toHaveLength(afterFirst.length);
  });

  it('shows its help with an example', async () => {
    // Act
    const r = await tpguard('digest', '--help');
    // Assess
    expect(r.out).toContain('$ tpguard --now 2026-11-04T09:00:00Z digest --data-dir /tmp/tpguard');
  });
});
