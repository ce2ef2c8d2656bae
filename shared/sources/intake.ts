import { describeError, isRecord, parseJson } from '../kernel/index.js';
import type { FileFormatDefinition } from './definition.js';
import { fileFormatByKey, fileFormatOf, normalizerOf, RAW_SHAPES } from './registry.js';
import type { Observation, Rejection } from './types.js';

/** One item of an input: an observation, or the reason it is none. */
export type IntakeResult = { ok: true; where: string; observation: Observation } | { ok: false; rejection: Rejection };

/** Longest rejection reason: reasons quote event fields, and a 1 MB detail-type overflowed the stored rejection (fuzz tests). */
export const MAX_REASON_LENGTH = 500;

const reject = (where: string, reason: string): IntakeResult => ({
  ok: false,
  rejection: { where, reason: reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason },
});

function normalizeEnvelope(event: Record<string, unknown>, where: string): IntakeResult {
  const detailType = event['detail-type'];
  if (typeof detailType !== 'string') return reject(where, 'envelope field "detail-type" must be a string');
  if (typeof event.source !== 'string')
    return reject(
      where,
      `envelope field "source" must be a string (got ${Array.isArray(event.source) ? 'array' : typeof event.source})`,
    );
  if (!isRecord(event.detail)) return reject(where, `"${detailType}" event without a detail object`);
  const normalizer = normalizerOf(detailType);
  if (!normalizer) return reject(where, `unsupported event: source ${event.source}, detail-type "${detailType}"`);
  return { ok: true, where, observation: normalizer(event.detail, event) };
}

function normalizeOne(event: Record<string, unknown>, where: string): IntakeResult {
  try {
    if ('detail-type' in event) return normalizeEnvelope(event, where);
    for (const shape of RAW_SHAPES)
      if (shape.matches(event)) return { ok: true, where, observation: shape.normalize(event) };
    if (typeof event.Type === 'string' && typeof event.SchemaVersion === 'string') {
      return reject(
        where,
        'GuardDuty finding in PascalCase SDK shape; tpguard reads the EventBridge (camelCase) finding',
      );
    }
    return reject(
      where,
      'unrecognized event shape (not an EventBridge event, CloudTrail record, GuardDuty finding or configuration item)',
    );
  } catch (err) {
    return reject(where, describeError(err));
  }
}

/**
 * Turns one parsed JSON value into observations: unwraps arrays, CloudTrail log
 * files (`{"Records": [...]}`), SNS and SQS deliveries, then normalizes each event.
 * Never throws: every item ends as an observation or a rejection naming `where`.
 * @example [...intake(JSON.parse(text), 'trail.json')]
 */
export function* intake(value: unknown, where: string, depth = 0): Generator<IntakeResult> {
  if (depth > 4) {
    yield reject(where, 'event nested too deeply');
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* intake(value[i], `${where}:${i}`, depth + 1);
    return;
  }
  if (!isRecord(value)) {
    yield reject(where, `expected a JSON object, got ${value === null ? 'null' : typeof value}`);
    return;
  }
  if (Array.isArray(value.Records)) {
    yield* intakeRecords(value.Records, where, depth);
    return;
  }
  const format = fileFormatOf(value);
  if (format) {
    const items = value[format.key] as unknown[];
    const { [format.key]: _items, ...header } = value;
    for (let i = 0; i < items.length; i++) yield intakeFileItem(format, items[i], `${where}:${i}`, header);
    return;
  }
  yield normalizeOne(value, where);
}

function intakeFileItem(
  format: FileFormatDefinition,
  item: unknown,
  where: string,
  header: Record<string, unknown>,
): IntakeResult {
  if (!isRecord(item)) return reject(where, `expected a JSON object, got ${item === null ? 'null' : typeof item}`);
  try {
    return { ok: true, where, observation: format.item(item, header) };
  } catch (err) {
    return reject(where, describeError(err));
  }
}

/**
 * One element of a file format's array, streamed (`key` names the format: `configurationItems`),
 * with the document's fields read before the array. Never throws.
 * @example intakeStreamedItem('configurationItems', item, 'snapshot.json:3', { configSnapshotId: 'abc' })
 */
export function intakeStreamedItem(
  key: string,
  item: unknown,
  where: string,
  header: Record<string, unknown>,
): IntakeResult {
  const format = fileFormatByKey(key);
  if (!format) return reject(where, `no file format reads "${key}"`);
  return intakeFileItem(format, item, where, header);
}

function* intakeRecords(records: unknown[], where: string, depth: number): Generator<IntakeResult> {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    // A plain CloudTrail record (nearly all of a log file) skips a generator per record.
    if (isRecord(r) && r.Sns === undefined && r.eventSource !== 'aws:sqs') yield normalizeOne(r, `${where}:${i}`);
    else yield* intakeRecord(r, `${where}:${i}`, depth);
  }
}

/**
 * One element of a `Records` array: an SNS delivery (`Sns.Message` holds the event as a
 * JSON string), an SQS message (`body`), or a CloudTrail record. Never throws.
 * @example [...intakeRecord(logFile.Records[0], 'trail.json:0')]
 */
export function* intakeRecord(r: unknown, where: string, depth = 0): Generator<IntakeResult> {
  if (isRecord(r) && isRecord(r.Sns)) yield* unwrapString(r.Sns.Message, where, depth, 'SNS Message');
  else if (isRecord(r) && r.eventSource === 'aws:sqs') yield* unwrapString(r.body, where, depth, 'SQS body');
  else if (isRecord(r)) yield normalizeOne(r, where);
  else yield reject(where, `expected a JSON object, got ${r === null ? 'null' : typeof r}`);
}

function* unwrapString(message: unknown, where: string, depth: number, what: string): Generator<IntakeResult> {
  if (typeof message !== 'string') {
    yield reject(where, `${what} is not a JSON string`);
    return;
  }
  let inner: unknown;
  try {
    inner = parseJson(message, 1024 * 1024);
  } catch (err) {
    yield reject(where, `${what}: ${describeError(err)}`);
    return;
  }
  yield* intake(inner, where, depth + 1);
}
