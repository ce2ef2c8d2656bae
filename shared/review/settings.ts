import { contactOf, DEFAULT_OWNER, type Contact } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import { CONTROL_OWNER, ReviewsSchema, type ReviewsConfig } from '../config/index.js';
import { ReviewConfigError } from './errors.js';

/** The review calendar with every default filled in and contacts resolved. */
export interface ReviewSettings {
  schedule: string;
  timezone: string;
  dueInDays: number;
  /** Distinct, largest first. */
  remindBeforeDays: number[];
  escalateAfterDays: number;
  reviewers: Contact;
  escalateTo: Contact;
  areaOwners: Record<string, string>;
  exceptionMaxDays: number;
  /** Four eyes: approver differs from who adds an exception; sign-off differs from who recorded the pack. */
  requireDistinctApprover: boolean;
}

/**
 * The review settings of a configuration. Without a `reviews` section the default owner
 * (`owners.default`) reviews and hears escalations; area owners must be teams of `owners.teams`.
 * @example resolveReviewSettings(config).timezone // 'Europe/Berlin'
 */
export function resolveReviewSettings(config: TpguardConfig): ReviewSettings {
  const reviews: ReviewsConfig = config.reviews ?? ReviewsSchema.parse({ reviewers: config.owners.default });
  for (const [area, team] of Object.entries(reviews.areaOwners)) {
    if (team === CONTROL_OWNER)
      throw new ReviewConfigError(
        `reviews.areaOwners.${area}`,
        `"${CONTROL_OWNER}" names the control task, pick a team of owners.teams`,
      );
    if (team !== DEFAULT_OWNER && !Object.hasOwn(config.owners.teams, team)) {
      throw new ReviewConfigError(
        `reviews.areaOwners.${area}`,
        `unknown team "${team}" (teams: ${Object.keys(config.owners.teams).join(', ') || 'none'})`,
      );
    }
  }
  return {
    schedule: reviews.schedule,
    timezone: reviews.timezone,
    dueInDays: reviews.dueInDays,
    remindBeforeDays: [...new Set(reviews.remindBeforeDays)].sort((a, b) => b - a),
    escalateAfterDays: reviews.escalateAfterDays,
    reviewers: reviews.reviewers,
    escalateTo: reviews.escalateTo ?? config.owners.default,
    areaOwners: reviews.areaOwners,
    exceptionMaxDays: reviews.exceptionMaxDays,
    requireDistinctApprover: reviews.requireDistinctApprover,
  };
}

/** Where the owner of a task is reached: the reviewers for the control task, else the team's contact. */
export function taskContact(owner: string, settings: ReviewSettings, config: TpguardConfig): Contact {
  return owner === CONTROL_OWNER ? settings.reviewers : contactOf(owner, config.owners);
}

/**
 * Areas grouped by owning team: `reviews.areaOwners`, and the default owner for the rest.
 * @example areasByOwner(['iam', 's3', 'sagemaker'], { sagemaker: 'vision' }) // Map { 'default' => ['iam', 's3'], 'vision' => ['sagemaker'] }
 */
export function areasByOwner(areas: readonly string[], areaOwners: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const area of [...new Set(areas)].sort()) {
    const owner = areaOwners[area] ?? DEFAULT_OWNER;
    out.set(owner, [...(out.get(owner) ?? []), area]);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}
