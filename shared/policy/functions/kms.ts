import { globAny, parseArn } from '../../kernel/index.js';

const KEY_ID = /^(?:mrk-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/i;

/**
 * The forms a KMS key reference can take, so that approved globs written as key ARNs,
 * key ids or aliases all match: a bare key id also as its ARN in `account`/`region`,
 * an alias also as its alias ARN, an ARN also as its id or `alias/name`, but only an ARN of
 * `account` and `region`: a bare id or alias names a key of the caller's own account and region,
 * so `arn:...:999988887777:alias/ml-training` of another account is not `alias/ml-training`.
 * @example kmsKeyForms('1234abcd-12ab-34cd-56ef-1234567890ab', '111122223333', 'eu-west-1')
 */
export function kmsKeyForms(key: string, account: string, region: string): string[] {
  const forms = [key];
  const arn = parseArn(key);
  if (arn) {
    const local = arn.service === 'kms' && arn.account === account && arn.region === region;
    if (local && arn.resource.startsWith('key/')) forms.push(arn.resource.slice(4));
    else if (local && arn.resource.startsWith('alias/')) forms.push(arn.resource);
  } else if (key.length <= 40 && KEY_ID.test(key)) forms.push(`arn:aws:kms:${region}:${account}:key/${key}`);
  else if (key.startsWith('alias/')) forms.push(`arn:aws:kms:${region}:${account}:${key}`);
  return forms;
}

/**
 * True when a KMS key reference (id, ARN, alias or alias ARN) matches one of the globs.
 * An empty or absent key never matches.
 * @example kmsKeyMatches('alias/ml-training', ['alias/ml-*'], '111122223333', 'eu-west-1') // true
 */
export function kmsKeyMatches(key: unknown, globs: readonly unknown[], account: string, region: string): boolean {
  if (typeof key !== 'string' || key.trim() === '') return false;
  return globAny(kmsKeyForms(key.trim(), account, region), globs);
}
