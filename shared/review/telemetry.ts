/** What the review functions count (Powertools Metrics when deployed). */
export const ReviewMetrics = {
  tasksOpened: 'reviewTasksOpened',
  reminders: 'reviewReminders',
  escalations: 'reviewEscalations',
  exceptionsReopened: 'exceptionReopened',
} as const;
export type ReviewMetric = (typeof ReviewMetrics)[keyof typeof ReviewMetrics];
