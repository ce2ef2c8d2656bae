import { describe, expect, it } from 'vitest';
import { createZip } from '../../scripts/build-zip.js';
import { readZip } from './support/zip.js';

describe('Function: createZip', () => {
  it('round-trips every entry, sorted by name', () => {
    // Prepare
    const entries = [
      { name: 'policies/s3/TPS-S3-01.yaml', data: Buffer.from('id: TPS-S3-01\n') },
      { name: 'index.mjs', data: Buffer.from('export const handler=async()=>1;'.repeat(100)) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];

    // Act
    const files = readZip(createZip(entries));

    // Assess
    expect(files.map((f) => f.name)).toEqual(['empty.txt', 'index.mjs', 'policies/s3/TPS-S3-01.yaml']);
    for (const e of entries) expect(files.find((f) => f.name === e.name)?.data.equals(e.data)).toBe(true);
  });

  it('gives the same bytes for the same content in any order (reproducible packages)', () => {
    // Prepare
    const a = { name: 'a.txt', data: Buffer.from('alpha') };
    const b = { name: 'b.txt', data: Buffer.from('beta') };

    // Act
    const first = createZip([a, b]);
    const second = createZip([b, a]);

    // Assess
    expect(first.equals(second)).toBe(true);
    expect(readZip(first).every((f) => f.dosDate === 33 && f.dosTime === 0)).toBe(true);
  });

  it('changes when one byte of content changes', () => {
    // Act
    const one = createZip([{ name: 'x', data: Buffer.from('1') }]);
    const two = createZip([{ name: 'x', data: Buffer.from('2') }]);

    // Assess
    expect(one.equals(two)).toBe(false);
  });
});
