import { isRecord } from '../../kernel/index.js';

/**
 * True for a GuardDuty sample finding (CreateSampleFindings): `service.additionalInfo.sample`
 * is `true` (or `"true"`), or its `value` JSON says so.
 * @example isSampleFinding({ service: { additionalInfo: { sample: true } } }) // true
 */
export function isSampleFinding(finding: unknown): boolean {
  if (!isRecord(finding) || !isRecord(finding.service)) return false;
  const info = finding.service.additionalInfo;
  if (!isRecord(info)) return false;
  if (info.sample === true || info.sample === 'true') return true;
  return typeof info.value === 'string' && /"sample"\s*:\s*true/.test(info.value);
}
