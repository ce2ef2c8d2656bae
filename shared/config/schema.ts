import * as z from 'zod';
import { RESOURCE_TYPE_NAMES } from '../sources/index.js';
import { BASELINE_DEFAULTS, BaselineSchema } from './baseline.js';
import { INGEST_DEFAULTS, IngestSchema } from './ingest.js';
import { NOTIFICATIONS_DEFAULTS, NotificationsSchema } from './notifications.js';
import { OwnersSchema } from './owners.js';
import { ReviewsSchema } from './reviews.js';

const globList = z.array(z.string().min(1)).default([]);

/**
 * `s3://<bucket>[/<key glob>]` with the bucket named exactly: bucket names are global, so a
 * wildcard in one (`s3://ml-training-*`) would approve buckets anyone can create in their own
 * account (`s3://ml-training-attacker-owned-bucket`). The key part is a glob; none is the whole bucket.
 */
const dataLocation = z
  .string()
  .min(1)
  .refine((g) => {
    if (!g.startsWith('s3://')) return false;
    const bucket = g.slice(5).split('/')[0]!;
    return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket);
  }, 'name the bucket exactly (bucket names are global: a wildcard in it approves buckets anyone can create): s3://<bucket>/<key glob>');

/** `scope`: which resources belong to the training pipeline. */
export const ScopeSchema = z.strictObject({
  resources: z.partialRecord(z.enum(RESOURCE_TYPE_NAMES as [string, ...string[]]), globList).default({}),
  tags: z.record(z.string().min(1), z.array(z.string())).default({}),
});

/** `approved`: what the pipeline may use. */
export const ApprovedSchema = z.strictObject({
  kmsKeys: globList,
  images: globList,
  executionRoles: globList,
  dataLocations: z.array(dataLocation).default([]),
  principals: globList,
  /** Globs over caller ARNs allowed to approve model packages; empty means `principals`. */
  modelApprovers: globList,
  accounts: z.array(z.string().regex(/^\d{12}$/, 'an account id is 12 digits')).default([]),
  /** AWS Organizations ids (`o-...`) of the user's own organization(s). */
  organizations: z
    .array(z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an organization id looks like o-a1b2c3d4e5'))
    .default([]),
});
export type ApprovedConfig = z.infer<typeof ApprovedSchema>;
export type ApprovedKey = keyof ApprovedConfig;

/**
 * What an empty `approved` list means, per key: the one place that says so (the engine and
 * `tpguard rules list` derive from it which rules cannot judge for want of configuration).
 * - `not-configured`: nothing can be approved yet; a rule that needs the list cannot judge and
 *   says so once per run, never flags every resource.
 * - `own-account`: only the account of the event is approved (`accounts`: resource policies may
 *   grant to no other account), a meaningful setting.
 * - `principals`: falls back to `approved.principals`.
 * - `not-checked`: the part of a rule that needs it is skipped, and said so once per run.
 */
export const APPROVED_WHEN_EMPTY: Readonly<
  Record<ApprovedKey, 'not-configured' | 'own-account' | 'principals' | 'not-checked'>
> = {
  kmsKeys: 'not-configured',
  images: 'not-configured',
  executionRoles: 'not-configured',
  dataLocations: 'not-configured',
  principals: 'not-configured',
  modelApprovers: 'principals',
  accounts: 'own-account',
  organizations: 'not-checked',
};

/**
 * The whole `tpguard.config.yaml`. Strict: an unknown key is an error naming its path.
 * Sections added by later features register here, so validation cannot drift from the code.
 */
export const ConfigSchema = z.strictObject({
  scope: ScopeSchema.default({ resources: {}, tags: {} }),
  approved: ApprovedSchema.default({
    kmsKeys: [],
    images: [],
    executionRoles: [],
    dataLocations: [],
    principals: [],
    modelApprovers: [],
    accounts: [],
    organizations: [],
  }),
  owners: OwnersSchema.default({ default: { email: [] }, teams: {}, resources: [] }),
  /** The review calendar (shared/config/reviews.ts); absent: the default owner reviews quarterly. */
  reviews: ReviewsSchema.optional(),
  notifications: NotificationsSchema.default(NOTIFICATIONS_DEFAULTS),
  /** The read of the current state (shared/config/baseline.ts): weekly by default. */
  baseline: BaselineSchema.default(BASELINE_DEFAULTS),
  /** How events are taken in (shared/config/ingest.ts). */
  ingest: IngestSchema.default(INGEST_DEFAULTS),
});

export type TpguardConfig = z.infer<typeof ConfigSchema>;
