import { isRecord } from '../../kernel/index.js';
import { asList } from './values.js';

const strings = (v: unknown) => asList(v).filter((t): t is string => typeof t === 'string');

/**
 * The resource types of `watched` that a PutConfigurationRecorder request's recording group does
 * not record: those its exclusion list names (`EXCLUSION_BY_RESOURCE_TYPES`), or those an inclusion
 * list leaves out (`INCLUSION_BY_RESOURCE_TYPES`, or `allSupported: false` with `resourceTypes`).
 * Recording all supported types records them all (global types such as IAM roles may be recorded in
 * another region); a recorder without a recording group records all supported types.
 * @example recorderSkips({ recordingGroup: { allSupported: false, exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket'] } } }, ['AWS::S3::Bucket']) // ['AWS::S3::Bucket']
 */
export function recorderSkips(recorder: unknown, watched: readonly unknown[]): string[] {
  const types = watched.filter((t): t is string => typeof t === 'string');
  const group = isRecord(recorder) ? recorder.recordingGroup : undefined;
  if (!isRecord(group)) return [];
  const strategy = isRecord(group.recordingStrategy) ? group.recordingStrategy.useOnly : undefined;
  const excluded = isRecord(group.exclusionByResourceTypes)
    ? strings(group.exclusionByResourceTypes.resourceTypes)
    : [];
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES' || (strategy === undefined && excluded.length > 0))
    return types.filter((t) => excluded.includes(t));
  if (strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' || (strategy === undefined && group.allSupported !== false))
    return [];
  const included = strings(group.resourceTypes);
  return types.filter((t) => !included.includes(t));
}
