import { inScope, type TpguardConfig } from '../config/index.js';
import type { PolicyPack } from '../policy/index.js';
import { CONFIG_ITEM_CHANGE, fromConfigType, isWholeStateTrigger } from '../sources/index.js';
import type { WantedFilter } from './ports.js';
import { JOB_KINDS, type BaselinePlan, type JobKind } from './types.js';

/**
 * What a baseline reads for this pack: the AWS Config types of every rule triggered by
 * configuration items, and the jobs whose state changes a rule listens to (as their Describe*
 * output is the state-change detail). Nothing a rule would not judge is read.
 * @example planOf(pack).configTypes // ['AWS::ECR::Repository', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::S3::Bucket', ...]
 */
export function planOf(pack: PolicyPack): BaselinePlan {
  const configTypes = new Set<string>();
  const detailTypes = new Set<string>();
  for (const { rule } of pack.rules) {
    const on = rule.on;
    if (!isWholeStateTrigger(on)) continue;
    if (on.source === 'config' && on.detailType === CONFIG_ITEM_CHANGE)
      for (const t of on.resourceType) configTypes.add(t);
    if (on.source === 'sagemaker' || on.source === 'bedrock') for (const dt of on.detailType) detailTypes.add(dt);
  }
  const jobs = (Object.keys(JOB_KINDS) as JobKind[]).filter((k) => detailTypes.has(JOB_KINDS[k].detailType));
  return { configTypes: [...configTypes].sort(), jobs };
}

/**
 * The reader's filter before fetching: a listed resource is fetched when its name or id is in
 * scope, or when the scope has tags (only the item tells its tags). Types always in scope are
 * always fetched.
 * @example wantedBy(config)('AWS::S3::Bucket', 'ml-training-raw', 'ml-training-raw') // true
 */
export function wantedBy(config: TpguardConfig): WantedFilter {
  const tagScoped = Object.keys(config.scope.tags).length > 0;
  return (configType, resourceId, resourceName) => {
    if (tagScoped) return true;
    const type = fromConfigType(configType);
    return inScope({ type, id: resourceId, ...(resourceName ? { name: resourceName } : {}) }, config);
  };
}
