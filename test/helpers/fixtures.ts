import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The public corpus of published sample events (test/corpus/public, with its sources and licenses). */
export const CORPUS_DIR = resolve(REPO_ROOT, 'test', 'corpus', 'public');

/** The shape fixtures: one realistic event per input shape tpguard reads. */
export const SHAPES_DIR = join(REPO_ROOT, 'events', 'shapes');

const cache = new Map<string, unknown>();

/**
 * A JSON fixture, parsed once and handed out as a fresh copy (tests may mutate it).
 * @example const event = loadJson<Record<string, unknown>>('events/shapes/guardduty-malware-scan-result.json')
 */
export function loadJson<T = Record<string, unknown>>(path: string): T {
  const full = resolve(REPO_ROOT, path);
  if (!cache.has(full)) cache.set(full, JSON.parse(readFileSync(full, 'utf8')));
  return structuredClone(cache.get(full)) as T;
}

/** A shape fixture by file name. */
export function loadShape<T = Record<string, unknown>>(name: string): T {
  return loadJson<T>(join('events', 'shapes', name));
}

/** A temporary folder, and a function that removes it. */
export async function tempDir(prefix = 'tpguard-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * A JSON fixture as tests read and mutate it, at any depth (`event.detail.requestParameters.x = ...`).
 */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited at any depth; a recursive unknown type would need a cast per access
export type Json = Record<string, any>;
