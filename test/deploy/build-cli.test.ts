import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_STAMP, CLI_TARGET } from '../../scripts/build-cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { copyProject, run } from './support/package-run.js';

/** The chunks a built module imports statically, transitively: what runs before its first await. */
function staticClosure(dir: string, entry: string): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen)
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/from"\.\/([\w.-]+\.js)"/g)) seen.add(m[1]!);
  return [...seen];
}

describe('npm run build:cli', () => {
  it('is what npm runs on npm ci and npm pack (prepare), and bin/ runs its output', () => {
    // Act
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    const bin = readFileSync(join(REPO_ROOT, pkg.bin.tpguard!), 'utf8');

    // Assess
    expect(pkg.scripts.prepare).toBe('tsx scripts/build-cli.ts');
    expect(pkg.scripts['build:cli']).toBe(pkg.scripts.prepare);
    expect(bin).toContain("import('../dist/main.js')");
    expect(bin).not.toMatch(/tsx/);
  });

  it('targets the oldest Node line package.json engines accepts', () => {
    // Act
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

    // Assess
    expect(pkg.engines.node).toBe(`>=${CLI_TARGET.slice('node'.length)}`);
  });

  it('keeps the YAML parser, zod and CEL out of what every command loads (--version starts fast)', () => {
    // Act (global setup built dist/)
    const closure = staticClosure(join(REPO_ROOT, 'dist'), 'main.js');
    const sources = closure.flatMap(
      (f) => (JSON.parse(readFileSync(join(REPO_ROOT, 'dist', `${f}.map`), 'utf8')) as { sources: string[] }).sources,
    );

    // Assess
    expect(sources.some((s) => s.endsWith('cli/main.ts'))).toBe(true);
    expect(sources.filter((s) => /node_modules\/(yaml|zod|@marcbachmann)\/|shared\/policy\//.test(s))).toEqual([]);
  });

  it('is rebuilt by bin/tpguard.mjs in a checkout whose sources are newer than dist/', () => {
    // Prepare
    const work = copyProject();
    expect(run('node', ['bin/tpguard.mjs', '--version'], work, process.env).output.trim()).toBe('0.1.0');
    const stamp = join(work, 'dist', CLI_STAMP);
    const built = statSync(stamp).mtimeMs;
    utimesSync(join(work, 'cli', 'main.ts'), new Date(built + 1), new Date(built + 1));

    // Act
    const again = run('node', ['bin/tpguard.mjs', '--version'], work, process.env);
    const unchanged = statSync(stamp).mtimeMs;
    const third = run('node', ['bin/tpguard.mjs', '--version'], work, process.env);

    // Assess
    expect(again.output.trim()).toBe('0.1.0');
    expect(unchanged).toBeGreaterThan(built);
    expect(third.output.trim()).toBe('0.1.0');
    expect(statSync(stamp).mtimeMs).toBe(unchanged);
  });
});
