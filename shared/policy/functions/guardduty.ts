import { isRecord } from '../../kernel/index.js';
import { parseJsonValue } from './values.js';

/**
 * True for a GuardDuty sample finding (CreateSampleFindings): `service.additionalInfo.sample`
 * is `true` (or `"true"`), or the top level of its `value` JSON says so (parsed, not searched: a
 * quoted `"sample": true` inside an attacker-chosen string does not make a real finding a sample).
 * @example isSampleFinding({ service: { additionalInfo: { sample: true } } }) // true
 */
export function isSampleFinding(finding: unknown): boolean {
  if (!isRecord(finding) || !isRecord(finding.service)) return false;
  const info = finding.service.additionalInfo;
  if (!isRecord(info)) return false;
  if (info.sample === true || info.sample === 'true') return true;
  if (typeof info.value !== 'string') return false;
  let value: unknown;
  try {
    value = parseJsonValue(info.value);
  } catch {
    return false; // nested too deep to be GuardDuty's own: judged as a real finding
  }
  return isRecord(value) && (value.sample === true || value.sample === 'true');
}
