/**
 * The deployed Lambda functions and what each one may do. This table is the single source
 * for the bundles (scripts/build-bundle.ts), the IAM roles and alarms (scripts/build-stack.ts)
 * and the packaging test, which checks every role against the AWS calls its bundle makes.
 */

/** What a function may do besides writing its own logs and traces and reporting async failures. */
export const Access = {
  /** GetItem and Query on the table and its index `gsi1`. */
  tableRead: 'tableRead',
  /** Single-item conditional PutItem and UpdateItem on the table. */
  tableWrite: 'tableWrite',
  /** DeleteItem of digest ledger items only (partition keys `DIGEST#...`): releases a failed send's claim. */
  digestLedgerRelease: 'digestLedgerRelease',
  /** PutEvents on the tpguard bus (drift transitions). */
  busPublish: 'busPublish',
  /** Publish on the alert topic (and the Chatbot topic when configured). */
  topicPublish: 'topicPublish',
  /** GetParameter on the SecureString parameters of the configured Slack webhooks (`ssm:/tpguard/slack/...`), by name. */
  slackWebhooks: 'slackWebhooks',
  /** BatchImportFindings / BatchUpdateFindings in this account's Security Hub (only when `notifications.securityHub`). */
  securityHub: 'securityHub',
  /** ListBucket and GetObject on the archive bucket under AWSLogs/ (and Decrypt with its key): `archiveBucket` param only. */
  archiveRead: 'archiveRead',
  /** PutObject under `backfill/` of the backfill results bucket (the prefix manifest, spilled verdicts). */
  resultsWrite: 'resultsWrite',
} as const;
export type Access = (typeof Access)[keyof typeof Access];

/** The IAM actions each access grants. */
export const ACCESS_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  tableRead: ['dynamodb:GetItem', 'dynamodb:Query'],
  tableWrite: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  digestLedgerRelease: ['dynamodb:DeleteItem'],
  busPublish: ['events:PutEvents'],
  topicPublish: ['sns:Publish'],
  slackWebhooks: ['ssm:GetParameter'],
  securityHub: ['securityhub:BatchImportFindings', 'securityhub:BatchUpdateFindings'],
  archiveRead: ['s3:ListBucket', 's3:GetObject'],
  resultsWrite: ['s3:PutObject'],
};

/** How a function is started. */
export const Trigger = {
  /** EventBridge rules on the default bus, with the patterns generated from the pack. */
  ingest: 'ingest',
  /** The rule on the tpguard bus that routes drift transitions. */
  transitions: 'transitions',
  /** An EventBridge Scheduler schedule. */
  schedule: 'schedule',
  /** A task of the backfill state machine (Step Functions invokes it synchronously). */
  stateMachine: 'stateMachine',
} as const;
export type Trigger = (typeof Trigger)[keyof typeof Trigger];

export interface DeployedFunction {
  /** Function key in serverless.yml (its logical ids derive from it). */
  key: string;
  /** Source file `functions/<file>.ts`, exporting `handler`. */
  file: string;
  trigger: Trigger;
  access: readonly Access[];
}

export const DEPLOYED_FUNCTIONS: readonly DeployedFunction[] = [
  {
    key: 'ingestCloudtrail',
    file: 'ingest-cloudtrail',
    trigger: Trigger.ingest,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish],
  },
  {
    key: 'ingestGuardduty',
    file: 'ingest-guardduty',
    trigger: Trigger.ingest,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish],
  },
  {
    key: 'ingestConfig',
    file: 'ingest-config',
    trigger: Trigger.ingest,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish],
  },
  {
    key: 'notify',
    file: 'notify',
    trigger: Trigger.transitions,
    access: [
      Access.tableRead,
      Access.tableWrite,
      Access.digestLedgerRelease,
      Access.topicPublish,
      Access.slackWebhooks,
      Access.securityHub,
    ],
  },
  {
    key: 'digest',
    file: 'digest',
    trigger: Trigger.schedule,
    access: [
      Access.tableRead,
      Access.tableWrite,
      Access.digestLedgerRelease,
      Access.topicPublish,
      Access.slackWebhooks,
      Access.securityHub,
    ],
  },
  {
    key: 'reviewScheduler',
    file: 'review-scheduler',
    trigger: Trigger.schedule,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish, Access.topicPublish, Access.slackWebhooks],
  },
  {
    key: 'reviewReminder',
    file: 'review-reminder',
    trigger: Trigger.schedule,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish, Access.topicPublish, Access.slackWebhooks],
  },
  {
    key: 'backfillWorker',
    file: 'backfill-worker',
    trigger: Trigger.stateMachine,
    access: [Access.tableRead, Access.tableWrite, Access.busPublish, Access.archiveRead, Access.resultsWrite],
  },
];

/** The name serverless gives a function key in logical ids (`ingest-x` -> `IngestDashx`). */
export function normalizedName(key: string): string {
  const name = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Logical ids of a function's resources in the packaged template. */
export function logicalIds(key: string): { fn: string; logGroup: string; role: string } {
  const n = normalizedName(key);
  return { fn: `${n}LambdaFunction`, logGroup: `${n}LogGroup`, role: `${n}Role` };
}
