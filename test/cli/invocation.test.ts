import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tpguardCommand } from '../../cli/invocation.js';

const dir = mkdtempSync(join(tmpdir(), 'tpguard-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Function: tpguardCommand', () => {
  it('says npx tpguard when no tpguard is on PATH (a checkout, npm start)', () => {
    expect(tpguardCommand(['/nonexistent', dir].join(delimiter))).toBe('npx tpguard');
    expect(tpguardCommand('')).toBe('npx tpguard');
  });

  it('says tpguard when an executable tpguard is on PATH (installed)', () => {
    // Prepare
    const bin = join(dir, 'tpguard');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);

    // Act & Assess
    expect(tpguardCommand(['/nonexistent', dir].join(delimiter))).toBe('tpguard');
  });
});
