/**
 * What a concern reports: counts (Powertools Metrics when deployed) and structured log lines
 * (Powertools Logger). Fields carry ids, rule ids, channels and transitions, never event or
 * message content. `M` names the concern's metrics.
 */
export interface Telemetry<M extends string = string> {
  count(metric: M, n?: number): void;
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Reports nothing (tests, CLI commands that print their own summary). */
export const silentTelemetry: Telemetry = {
  count: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
