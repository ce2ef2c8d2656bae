import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IngestTelemetry } from '../../ingest/index.js';

/** Namespace of every tpguard metric (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'tpguard';

/**
 * Powertools Logger and Metrics for a function. Service name and log level come from the
 * POWERTOOLS_* environment when set.
 * @example const { logger, metrics } = powertoolsFor('ingest-cloudtrail')
 */
export function powertoolsFor(serviceName: string): { logger: Logger; metrics: Metrics } {
  return { logger: new Logger({ serviceName }), metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }) };
}

/**
 * The ingest telemetry on Powertools: counts become EMF metrics, log lines structured JSON.
 * The pipeline only passes ids, rule ids, transitions and redacted reasons.
 */
export function powertoolsTelemetry(logger: Logger, metrics: Metrics): IngestTelemetry {
  return {
    count: (metric, n = 1) => metrics.addMetric(metric, MetricUnit.Count, n),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
  };
}
