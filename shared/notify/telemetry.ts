/**
 * What the notifier reports: counts (Powertools Metrics when deployed) and structured log lines
 * (Powertools Logger). Fields carry channels, owners, ids and recipients' references, never a
 * webhook URL or message content.
 */
export const NotifyMetrics = {
  sent: 'NotificationsSent',
  skipped: 'NotificationsSkipped',
  failed: 'NotificationsFailed',
  rejected: 'RejectedTransitions',
  /** Transition events the drift store does not support (forged, or superseded beyond its history): nothing sent. */
  unsupported: 'UnsupportedTransitions',
} as const;
export type NotifyMetric = (typeof NotifyMetrics)[keyof typeof NotifyMetrics];

export interface NotifyTelemetry {
  count(metric: NotifyMetric, n?: number): void;
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Reports nothing (tests). */
export const silentNotifyTelemetry: NotifyTelemetry = {
  count: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
