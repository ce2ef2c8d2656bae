import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering of docs/architecture.md, enforced: each area of shared/ is entered only through
 * its index.ts, and an area imports only the areas listed for it here (dependencies point down).
 */
const ROOT = join(import.meta.dirname, '..', '..');

/** Area -> the areas it may import. Adapters may use every domain area; domain areas never use adapters. */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  'shared/kernel': [],
  'shared/sources': ['shared/kernel'],
  'shared/events': ['shared/kernel', 'shared/sources'],
  'shared/config': ['shared/kernel', 'shared/sources'],
  'shared/policy': ['shared/kernel', 'shared/sources', 'shared/events', 'shared/config'],
  'shared/drift': ['shared/kernel', 'shared/sources', 'shared/policy'],
  'shared/exceptions': ['shared/kernel', 'shared/sources', 'shared/drift'],
  'shared/ingest': ['shared/kernel', 'shared/sources', 'shared/config', 'shared/policy', 'shared/drift'],
  'shared/notify': ['shared/kernel', 'shared/sources', 'shared/config', 'shared/policy', 'shared/drift'],
  'shared/baseline': [
    'shared/kernel',
    'shared/sources',
    'shared/config',
    'shared/policy',
    'shared/drift',
    'shared/ingest',
    'shared/notify',
  ],
  'shared/review': [
    'shared/kernel',
    'shared/sources',
    'shared/config',
    'shared/ingest',
    'shared/policy',
    'shared/drift',
    'shared/exceptions',
    'shared/notify',
  ],
  'shared/backfill': [
    'shared/kernel',
    'shared/sources',
    'shared/events',
    'shared/config',
    'shared/policy',
    'shared/drift',
    'shared/notify',
  ],
  'shared/report': [
    'shared/kernel',
    'shared/sources',
    'shared/config',
    'shared/policy',
    'shared/exceptions',
    'shared/review',
    'shared/baseline',
  ],
};
const DOMAIN = Object.keys(LAYERS);
const ADAPTERS: Readonly<Record<string, readonly string[]>> = {
  'shared/adapters/http': [],
  'shared/adapters/aws': ['shared/adapters/http'],
  'shared/adapters/local': ['shared/adapters/aws', 'shared/adapters/http'],
  'shared/adapters/lambda': ['shared/adapters/aws', 'shared/adapters/http'],
};

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : walk(rel);
    return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The area a repository file belongs to (`shared/<area>` or `shared/adapters/<kind>`), else undefined. */
function areaOf(file: string): string | undefined {
  const p = file.split('/');
  if (p[0] !== 'shared' || p.length < 3) return undefined;
  return p[1] === 'adapters' ? `shared/adapters/${p[2]}` : `shared/${p[1]}`;
}

interface Import {
  file: string;
  target: string;
}

function importsOf(file: string): Import[] {
  const src = readFileSync(join(ROOT, file), 'utf8');
  const out: Import[] = [];
  for (const m of src.matchAll(
    /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    out.push({ file, target: normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts') });
  }
  return out;
}

const FILES = ['shared', 'cli', 'functions', 'scripts', 'bench', 'docs', 'test'].flatMap(walk);
const IMPORTS = FILES.flatMap(importsOf);

describe('Architecture: area boundaries', () => {
  it('reads the whole tree (the check cannot pass by finding nothing)', () => {
    expect(FILES.length).toBeGreaterThan(300);
    expect(IMPORTS.filter((i) => areaOf(i.target)).length).toBeGreaterThan(500);
  });

  it('enters every area of shared/ through its index.ts only', () => {
    const bypass = IMPORTS.filter((i) => {
      const to = areaOf(i.target);
      if (!to || areaOf(i.file) === to || i.target === `${to}/index.ts`) return false;
      // A unit test may reach into the area its folder mirrors (test/shared/drift/* -> shared/drift/*).
      return !i.file.startsWith(`test/${to}/`);
    });
    expect(bypass.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it('lets each domain area import only the areas below it (docs/architecture.md)', () => {
    const wrong = IMPORTS.filter((i) => {
      const from = areaOf(i.file);
      const to = areaOf(i.target);
      if (!from || !to || from === to) return false;
      const allowed = LAYERS[from] ?? [...DOMAIN, ...(ADAPTERS[from] ?? [])];
      return !allowed.includes(to);
    });
    expect(wrong.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it('keeps the domain areas pure: no AWS SDK, no process.env, no adapters', () => {
    const impure = FILES.filter((f) => DOMAIN.includes(areaOf(f) ?? '')).filter((f) => {
      const src = readFileSync(join(ROOT, f), 'utf8');
      return /from '@aws-sdk\/|process\.env|from '@aws-lambda-powertools\//.test(src);
    });
    expect(impure).toEqual([]);
  });

  it('has an area table that covers every folder of shared/', () => {
    const areas = new Set(FILES.map(areaOf).filter((a): a is string => a !== undefined));
    expect([...areas].filter((a) => !LAYERS[a] && !ADAPTERS[a])).toEqual([]);
  });
});
