import * as z from 'zod';
import type { ResourceRef } from '../sources/index.js';
import { globAny } from '../kernel/index.js';

/** Where an owner is reached. `slack` names where the webhook URL lives: `ssm:<parameter>` or `env:<VARIABLE>`. */
export const ContactSchema = z.strictObject({
  email: z.array(z.email()).default([]),
  slack: z
    .string()
    .regex(/^(ssm:\/[\w./-]+|env:[A-Z_][A-Z0-9_]*)$/, 'slack is ssm:/parameter/name or env:VARIABLE')
    .optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

/** `owners`: who receives alerts for which resources. */
export const OwnersSchema = z.strictObject({
  default: ContactSchema.default({ email: [] }),
  /** The tag whose value names a team. */
  byTag: z.string().min(1).optional(),
  teams: z.record(z.string().regex(/^[\w-]+$/, 'team names are letters, digits, - and _'), ContactSchema).default({}),
  resources: z.array(z.strictObject({ match: z.string().min(1), team: z.string().min(1) })).default([]),
});
export type OwnersConfig = z.infer<typeof OwnersSchema>;

export const DEFAULT_OWNER = 'default';

/**
 * The team that owns a resource, as the configuration names it: the first `resources` glob
 * matching its ARN, name or id, else `default`. Tags never decide it: whoever may tag a resource
 * (the author of a training job, say) could otherwise take its alerts away from the team that
 * should hear about it (attacker review item 2). A tag only adds a recipient: {@link taggedOwnersOf}.
 * Unknown team names fall back to default.
 * @example resolveOwner({ type: 's3-bucket', id: 'ml-training-vision-raw' }, owners) // 'vision'
 */
export function resolveOwner(resource: ResourceRef, owners: OwnersConfig): string {
  for (const m of owners.resources) {
    if (globAny([resource.arn, resource.name, resource.id], [m.match]) && isTeam(m.team, owners)) return m.team;
  }
  return DEFAULT_OWNER;
}

/**
 * The teams a resource's `byTag` tag names besides its owner: told as well, never instead. At most
 * one (one tag); none when the tag names no team of `owners.teams` (`constructor` is none) or the owner.
 * @example taggedOwnersOf({ type: 'sagemaker-training-job', id: 'j', tags: { owner: 'fraud' } }, 'default', owners) // ['fraud']
 */
export function taggedOwnersOf(resource: ResourceRef, owner: string, owners: OwnersConfig): string[] {
  if (!owners.byTag) return [];
  // Tags are the event's: own properties only (an owner tag `constructor` named Object's).
  const tags = resource.tags;
  const team = tags && Object.hasOwn(tags, owners.byTag) ? tags[owners.byTag] : undefined;
  return typeof team === 'string' && team !== owner && isTeam(team, owners) ? [team] : [];
}

/** True when `name` is a team of `owners.teams` (an own key: `constructor` or `toString` is none). */
export function isTeam(name: string, owners: OwnersConfig): boolean {
  return Object.hasOwn(owners.teams, name);
}

/** The contact of a team name (default when unknown, `constructor` included). */
export function contactOf(owner: string, owners: OwnersConfig): Contact {
  return isTeam(owner, owners) ? owners.teams[owner]! : owners.default;
}
