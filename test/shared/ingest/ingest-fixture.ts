import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import type { Publisher } from '../../../shared/drift/index.js';
import type { DriftTransition } from '../../../shared/drift/index.js';
import type { IngestDeps } from '../../../shared/ingest/pipeline.js';
import { createEvaluator } from '../../../shared/policy/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import type { StoreFixture } from '../drift/store-fixture.js';

export const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
export const FIXTURE_POLICIES = join(FIXTURES, 'policies');
export const FIXTURE_CONFIG = join(FIXTURES, 'tpguard.config.yaml');

const cache = new Map<string, unknown>();

/** A fixture event, parsed once and copied per use. */
export function fixtureEvent(name: string): Record<string, unknown> {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(FIXTURES, 'events', name), 'utf8')));
  return structuredClone(cache.get(name)) as Record<string, unknown>;
}

/** Every fixture event that is a valid event (bad-shape.json excluded). */
export function allFixtureEvents(): Record<string, unknown>[] {
  return readdirSync(join(FIXTURES, 'events'))
    .filter((f) => f.endsWith('.json') && f !== 'bad-shape.json')
    .sort()
    .map(fixtureEvent);
}

/** A publisher that keeps what it was given. */
export class RecordingPublisher implements Publisher {
  public readonly published: DriftTransition[] = [];
  public async publish(transitions: readonly DriftTransition[]): Promise<void> {
    this.published.push(...structuredClone(transitions));
  }
}

export interface IngestFixture {
  pack: PolicyPack;
  config: TpguardConfig;
  publisher: RecordingPublisher;
  deps: IngestDeps;
}

export async function ingestFixture(store: StoreFixture, overrides: Partial<IngestDeps> = {}): Promise<IngestFixture> {
  const pack = await loadPolicyPack(FIXTURE_POLICIES);
  const config = await loadConfig(FIXTURE_CONFIG);
  const publisher = new RecordingPublisher();
  const deps: IngestDeps = {
    evaluator: createEvaluator(pack, config),
    store: store.store,
    publisher,
    clock: fixedClock('2026-11-02T18:00:00Z'),
    intake: 'test',
    ...overrides,
  };
  return { pack, config, publisher, deps };
}
