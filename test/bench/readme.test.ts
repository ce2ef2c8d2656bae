import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeFigures, withFigures } from '../../bench/readme.js';
import type { Results } from '../../bench/report.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('Function: readmeFigures / withFigures', () => {
  it('the README shows the figures of bench/results.json, the last npm run bench (npm run bench:readme)', () => {
    // Prepare
    const results = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as Results;
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

    // Act
    const blocks = readmeFigures(results);

    // Assess
    expect(Object.keys(blocks).sort()).toEqual(['cold', 'evaluate', 'scan', 'startup']);
    expect(withFigures(readme, blocks)).toBe(readme);
  });

  it('replaces what is between the markers, and refuses a README without them', () => {
    // Prepare
    const readme = 'a\n<!-- figures:scan -->\nold\n<!-- /figures:scan -->\nb\n';

    // Act
    const updated = withFigures(readme, { scan: 'new' });

    // Assess
    expect(updated).toBe('a\n<!-- figures:scan -->\nnew\n<!-- /figures:scan -->\nb\n');
    expect(() => withFigures('no markers', { cold: 'x' })).toThrow(/no <!-- figures:cold -->/);
  });
});
