import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from '../../kernel/index.js';

/** Namespace of every tpguard metric (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'tpguard';

/**
 * Telemetry on Powertools: counts become EMF metrics, log lines structured JSON. The domain only
 * passes ids, rule ids, channels, transitions and redacted reasons.
 * @example const telemetry = powertoolsTelemetry(new Logger(), new Metrics({ namespace: METRICS_NAMESPACE }))
 */
export function powertoolsTelemetry(logger: Logger, metrics: Metrics): Telemetry {
  return {
    count: (metric, n = 1) => metrics.addMetric(metric, MetricUnit.Count, n),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => logger.error(message, fields),
  };
}
