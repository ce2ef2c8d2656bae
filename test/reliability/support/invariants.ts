import { expect } from 'vitest';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { Sources } from '../../../shared/sources/index.js';
import type { Finding } from '../../../shared/policy/index.js';
import { SEVERITIES } from '../../../shared/kernel/index.js';
import { isRecord, parseJson } from '../../../shared/kernel/index.js';

const BUILTINS = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
};

/** Own property names and descriptors' values of the built-in prototypes. */
export function prototypeSnapshot(): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(BUILTINS).map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort()]),
  );
}

/** Asserts that nothing reached the built-in prototypes since `before`. */
export function expectNoPollution(before: Record<string, string[]>): void {
  expect(prototypeSnapshot()).toEqual(before);
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.prototype.toString.call([])).toBe('[object Array]');
  expect(typeof {}.toString).toBe('function');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SOURCES = new Set<string>(Object.values(Sources));

/** An observation or a rejection, whole: nothing half-made gets through. */
export function expectWellFormed(r: IntakeResult, whereRoot: string): void {
  if (!r.ok) {
    expect(typeof r.rejection.reason).toBe('string');
    expect(r.rejection.reason.trim().length).toBeGreaterThan(0);
    expect(r.rejection.reason).not.toContain('\n');
    expect(r.rejection.reason.length).toBeLessThanOrEqual(1024);
    expect(r.rejection.where.startsWith(whereRoot), `where ${r.rejection.where}`).toBe(true);
    return;
  }
  const o = r.observation;
  expect(r.where.startsWith(whereRoot), `where ${r.where}`).toBe(true);
  expect(typeof o.eventId === 'string' && o.eventId.length > 0, `eventId ${String(o.eventId)}`).toBe(true);
  expect(o.eventTime).toMatch(ISO);
  expect(SOURCES.has(o.source), `source ${o.source}`).toBe(true);
  expect(typeof o.account).toBe('string');
  expect(typeof o.region).toBe('string');
  expect(typeof o.trigger.detailType).toBe('string');
  expect(isRecord(o.detail) && isRecord(o.raw), 'detail and raw are objects').toBe(true);
  for (const res of o.resources) {
    expect(typeof res.type === 'string' && res.type.length > 0, `resource type ${String(res.type)}`).toBe(true);
    expect(
      typeof res.id === 'string' && res.id.length > 0,
      `resource id "${String(res.id)}" of ${res.type} in ${r.where}`,
    ).toBe(true);
    for (const v of Object.values(res.tags ?? {})) expect(typeof v).toBe('string');
  }
}

const VERDICTS = new Set(['violation', 'pass', 'cannot-evaluate']);

/** A finding of the engine: a known rule, a known verdict, a reason when it could not judge. */
export function expectValidFinding(f: Finding, ruleIds: ReadonlySet<string>): void {
  expect(ruleIds.has(f.ruleId), `rule ${f.ruleId}`).toBe(true);
  expect(VERDICTS.has(f.verdict), `verdict ${f.verdict}`).toBe(true);
  expect(SEVERITIES).toContain(f.severity);
  expect(typeof f.resource.id).toBe('string');
  if (f.verdict === 'cannot-evaluate') expect((f.reason ?? '').length).toBeGreaterThan(0);
}

/**
 * How many results the intake owes for one parsed document, from the accepted shapes
 * the design lists: arrays and `{"Records": [...]}` files unwrap, SNS and SQS
 * deliveries unwrap their JSON string, anything nested deeper than 4 is one rejection,
 * and every other value is exactly one observation or rejection.
 */
export function owedResults(value: unknown, depth = 0): number {
  if (depth > 4) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + owedResults(v, depth + 1), 0);
  if (!isRecord(value) || !Array.isArray(value.Records)) return 1;
  return value.Records.reduce((n: number, r: unknown) => {
    if (isRecord(r) && isRecord(r.Sns)) return n + owedForMessage(r.Sns.Message, depth);
    if (isRecord(r) && r.eventSource === 'aws:sqs') return n + owedForMessage(r.body, depth);
    return n + 1;
  }, 0);
}

function owedForMessage(message: unknown, depth: number): number {
  if (typeof message !== 'string') return 1;
  try {
    return owedResults(parseJson(message, 1024 * 1024), depth + 1);
  } catch {
    return 1;
  }
}
