import type { ExceptionMatcher } from '../drift/index.js';
import type { ExceptionStore } from './ports.js';
import type { Clock } from '../kernel/index.js';
import { matchException } from './match.js';
import type { RiskException } from './types.js';

/** How long the ingest trusts its copy of the exceptions before reading them again. */
export const EXCEPTION_CACHE_MS = 60_000;

/**
 * The ingest's {@link ExceptionMatcher} over the exceptions store: the list is read with one
 * Query at most once per `ttlMs` (a failed read is retried on the next call), never per event.
 * A new or revoked exception takes effect within `ttlMs`; the daily job reconciles the rest.
 * @example const matcher = createExceptionMatcher(store, systemClock); await matcher('TPS-S3-02', resource, obs.eventTime)
 */
export function createExceptionMatcher(
  store: Pick<ExceptionStore, 'list'>,
  clock: Clock,
  ttlMs = EXCEPTION_CACHE_MS,
): ExceptionMatcher {
  let cached: { at: number; list: Promise<RiskException[]> } | undefined;
  const load = (): Promise<RiskException[]> => {
    const t = clock.now().getTime();
    if (!cached || t - cached.at >= ttlMs || t < cached.at) {
      const list = store.list();
      cached = { at: t, list };
      list.catch(() => {
        cached = undefined;
      });
    }
    return cached.list;
  };
  return async (ruleId, resource, at) => matchException(await load(), ruleId, resource, at);
}
