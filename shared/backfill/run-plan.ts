import { BackfillEventError } from './errors.js';
import { type ArchiveKind, ArchiveKinds } from './layout.js';
import { type FolderLister, planArchive } from './plan.js';
import type { ResultObjects } from './ports.js';

/** The first step of a backfill execution: which prefixes of the archive to list. */
export interface PlanRequest {
  action: 'plan';
  bucket: string;
  /** Key prefix of the archive above `AWSLogs/` (a trail's S3 key prefix), or '' . */
  prefix: string;
  kind: ArchiveKind;
  from: string;
  to: string;
  accounts?: string[];
  regions?: string[];
  runId: string;
  resultsBucket: string;
}

/** Where the plan's manifest is (read by the outer map's item reader) and what it covers. */
export interface PlanResult {
  /** `backfill/<runId>/`: every object of this run goes under it. */
  resultsPrefix: string;
  manifestKey: string;
  prefixes: number;
  accounts: string[];
  regions: string[];
}

const KINDS = new Set<string>(Object.values(ArchiveKinds));
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a planning request (the execution's input) field by field. */
export function parsePlanRequest(event: unknown): PlanRequest {
  const e = event as Partial<PlanRequest> | null;
  if (e?.action !== 'plan') throw new BackfillEventError('not a plan request: expected {action: "plan", ...}');
  for (const field of ['bucket', 'from', 'to', 'runId', 'resultsBucket'] as const)
    if (typeof e[field] !== 'string' || e[field] === '')
      throw new BackfillEventError(`${field}: expected a non-empty string`);
  if (!RUN_ID.test(e.runId!)) throw new BackfillEventError('runId: letters, digits, - and _ only (1-80)');
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind))
    throw new BackfillEventError(`kind: expected one of ${[...KINDS].join(', ')}`);
  const list = (v: unknown, name: string) => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new BackfillEventError(`${name}: expected a list of strings`);
    return v.length > 0 ? (v as string[]) : undefined;
  };
  const accounts = list(e.accounts, 'accounts');
  const regions = list(e.regions, 'regions');
  return {
    action: 'plan',
    bucket: e.bucket!,
    prefix: typeof e.prefix === 'string' ? e.prefix : '',
    kind: e.kind as ArchiveKind,
    from: e.from!,
    to: e.to!,
    runId: e.runId!,
    resultsBucket: e.resultsBucket!,
    ...(accounts ? { accounts } : {}),
    ...(regions ? { regions } : {}),
  };
}

/**
 * Plans a backfill: discovers the account and region folders (unless named), writes the prefixes
 * to list as a JSON array `[{"prefix": ...}]` under the run's results prefix, where the outer
 * Distributed Map reads them, and returns where.
 * @example await planBackfill(parsePlanRequest(event), { lister, results })
 */
export async function planBackfill(
  request: PlanRequest,
  deps: { lister: FolderLister; results: ResultObjects },
): Promise<PlanResult> {
  const plan = await planArchive(deps.lister, request.bucket, request.prefix, {
    kind: request.kind,
    from: request.from,
    to: request.to,
    ...(request.accounts ? { accounts: request.accounts } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
  });
  const resultsPrefix = `backfill/${request.runId}/`;
  const manifestKey = `${resultsPrefix}prefixes.json`;
  await deps.results.put(
    request.resultsBucket,
    manifestKey,
    JSON.stringify(plan.prefixes.map((prefix) => ({ prefix }))),
    'application/json',
  );
  return { resultsPrefix, manifestKey, prefixes: plan.prefixes.length, accounts: plan.accounts, regions: plan.regions };
}
