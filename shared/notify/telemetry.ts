import type { Telemetry } from '../kernel/index.js';

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

export type NotifyTelemetry = Telemetry<NotifyMetric>;
