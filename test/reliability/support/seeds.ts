import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from '../../../shared/kernel/index.js';

/** The checkout, and the public corpus it carries (test/corpus/public). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CORPUS = resolve(ROOT, 'test/corpus/public');

/** One seed file: its bytes, and its parsed value when it is JSON. */
export interface SeedFile {
  name: string;
  bytes: Buffer;
  value?: unknown;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return walk(full);
      return /\.json(\.txt)?$/.test(name) ? [full] : [];
    });
}

/** Every sample event file of events/ and of the public corpus, loaded once. */
export function loadSeedFiles(): SeedFile[] {
  return [...walk(join(ROOT, 'events')), ...walk(CORPUS)].map((file) => {
    const bytes = readFileSync(file);
    const seed: SeedFile = { name: relative(ROOT, file), bytes };
    try {
      seed.value = JSON.parse(bytes.toString('utf8'));
    } catch {
      // kept as bytes only: the reader fuzz still mutates it
    }
    return seed;
  });
}

/**
 * The single events inside a seed: array elements, CloudTrail `Records`, Config files'
 * `configurationItems` and the JSON string of an SNS delivery are unwrapped, so every leaf is one event.
 */
export function leafEvents(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leafEvents);
  // An AWS Config snapshot or history file (events/baseline): each configuration item is one record.
  if (isRecord(value) && Array.isArray(value.configurationItems)) return value.configurationItems;
  if (isRecord(value) && Array.isArray(value.Records)) {
    return value.Records.flatMap((r: unknown) => {
      const message = isRecord(r) && isRecord(r.Sns) ? r.Sns.Message : undefined;
      return typeof message === 'string' ? leafEvents(JSON.parse(message)) : [r];
    });
  }
  return [value];
}

/** All leaf events of all seeds (the fuzzers pick among them by index). */
export function loadLeafEvents(): unknown[] {
  return loadSeedFiles().flatMap((s) => (s.value === undefined ? [] : leafEvents(s.value)));
}
