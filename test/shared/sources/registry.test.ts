import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_FUNCTIONS, Trigger } from '../../../scripts/build-functions.js';
import { guarddutySource } from '../../../shared/sources/guardduty.js';
import type { FileFormatDefinition, SourceDefinition } from '../../../shared/sources/definition.js';
import {
  describeTrigger,
  FILE_FORMATS,
  INGEST_ROUTES,
  indexSources,
  patternsOf,
  SOURCES,
  STREAMED_KEYS,
  SUPPORTED_DETAIL_TYPES,
  TriggerSchema,
  triggerKeysOf,
} from '../../../shared/sources/registry.js';
import { Sources } from '../../../shared/sources/types.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';

/** This repository's own shared/sources folder (the source code, not the design notes beside the checkout). */
const SOURCE_DIR = join(REPO_ROOT, 'shared', 'sources');
const DEFINITIONS = SOURCES as readonly SourceDefinition[];

function isDefinition(v: unknown): v is SourceDefinition {
  return typeof v === 'object' && v !== null && 'detailTypes' in v && 'route' in v && 'trigger' in v;
}

function isFileFormat(v: unknown): v is FileFormatDefinition {
  return typeof v === 'object' && v !== null && 'key' in v && 'item' in v && typeof v.item === 'function';
}

describe('Registry: file formats', () => {
  it('registers every file format a module of shared/sources declares, each streamed by its own key', async () => {
    // Prepare
    const files = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ts'));

    // Act
    const declared: FileFormatDefinition[] = [];
    for (const f of files) {
      const mod: Record<string, unknown> = await import(join(SOURCE_DIR, f));
      declared.push(...Object.values(mod).filter(isFileFormat));
    }

    // Assess
    expect(declared.map((d) => d.name)).toContain('config-file');
    for (const d of declared) {
      expect(FILE_FORMATS, d.name).toContain(d);
      expect(STREAMED_KEYS, d.name).toContain(d.key);
    }
    expect(new Set(STREAMED_KEYS).size).toBe(STREAMED_KEYS.length);
  });
});

describe('Registry: sources', () => {
  it('registers every source a module of shared/sources declares (no half-registered source)', async () => {
    // Prepare
    const files = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ts'));

    // Act
    const declared: SourceDefinition[] = [];
    for (const f of files) {
      const mod: Record<string, unknown> = await import(join(SOURCE_DIR, f));
      declared.push(...Object.values(mod).filter(isDefinition));
    }

    // Assess
    expect(declared.length).toBeGreaterThanOrEqual(5);
    for (const d of declared) expect(DEFINITIONS, d.name).toContain(d);
  });

  it.each(DEFINITIONS.map((d) => [d.name, d] as const))('%s is complete', (_name, def) => {
    // Prepare
    const example = TriggerSchema.parse(def.example);
    const ingestFunctions = DEPLOYED_FUNCTIONS.filter((f) => f.trigger === Trigger.ingest).map((f) => f.key);

    // Act
    const patterns = patternsOf([example]);

    // Assess: a name, a way in, a normalizer per detail-type
    expect(Object.values(Sources)).toContain(def.source);
    expect(Object.keys(def.detailTypes).length + (def.raw ? 1 : 0)).toBeGreaterThan(0);
    for (const normalize of Object.values(def.detailTypes)) expect(typeof normalize).toBe('function');
    // ... raw records are wrapped for the local bus
    if (def.raw) expect(typeof def.wrap).toBe('function');
    // ... its example is a valid trigger with index keys, a description and patterns routed to an ingest function
    expect(def.checkTrigger?.(example) ?? []).toEqual([]);
    expect(triggerKeysOf(example).keys.length).toBeGreaterThan(0);
    expect(describeTrigger(example)).toMatch(new RegExp(`^${def.source} `));
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) {
      expect(p.target).toBe(def.route.target);
      expect(ingestFunctions).toContain(INGEST_ROUTES[p.target]);
      for (const dt of p.pattern['detail-type'] as string[]) expect(Object.keys(def.detailTypes)).toContain(dt);
    }
  });

  it('gives every detail-type to exactly one source', () => {
    // Act
    const all = DEFINITIONS.flatMap((d) => Object.keys(d.detailTypes));

    // Assess
    expect(new Set(all).size).toBe(all.length);
    expect([...SUPPORTED_DETAIL_TYPES].sort()).toEqual([...all].sort());
  });

  it('refuses two sources that claim one detail-type, trigger source or name', () => {
    // Prepare
    const twin = { ...guarddutySource, name: 'guardduty-twin', source: 'bedrock' as const };

    // Act & Assess
    expect(() => indexSources([guarddutySource, twin])).toThrow(
      'detail-type "GuardDuty Finding" is claimed by guardduty and guardduty-twin',
    );
    expect(() => indexSources([guarddutySource, { ...twin, detailTypes: {} }, { ...twin, detailTypes: {} }])).toThrow(
      'source name "guardduty-twin" is claimed by guardduty-twin and guardduty-twin',
    );
    expect(() => indexSources([guarddutySource, { ...guarddutySource, name: 'other', detailTypes: {} }])).toThrow(
      'trigger source "guardduty" is claimed by guardduty and other',
    );
  });

  it('routes every pattern target to one ingest function', () => {
    // Assess
    expect(INGEST_ROUTES).toEqual({
      cloudtrail: 'ingestCloudtrail',
      guardduty: 'ingestGuardduty',
      config: 'ingestConfig',
      statechange: 'ingestConfig',
    });
  });
});
