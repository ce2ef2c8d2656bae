import { IncompleteConfigItemError } from '../errors.js';
import { isRecord, str } from '../../kernel/index.js';
import { parseJsonEntries, parseJsonValue } from './values.js';

/** A configuration item as rules read it, whatever form AWS Config delivered it in. */
export interface ConfigItemView {
  status: string;
  /** The resource no longer exists: no rule is violated by it. */
  deleted: boolean;
  configuration: Record<string, unknown>;
  /** `supplementaryConfiguration`, each entry decoded from its JSON string when it is one. */
  supplementary: Record<string, unknown>;
}

/** Statuses that say the resource is gone (Config saw it deleted, recorded or not). */
const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

/**
 * Normalizes a configuration item (`detail` of a Config observation): `configuration`
 * parsed when it is a JSON string, supplementary entries decoded. An item without
 * `configuration` that is not a deletion (an oversized-item summary) throws, so the
 * rule reports "cannot evaluate" instead of judging a state it cannot see.
 * @example configItem(detail).supplementary.BucketVersioningConfiguration.status // 'Enabled'
 */
export function configItem(item: unknown): ConfigItemView {
  if (!isRecord(item)) throw new IncompleteConfigItemError('not a configuration item');
  const status = str(item, 'configurationItemStatus') ?? '';
  // Not recorded is not deleted: the recorder stopped recording the type (or was told to), so the
  // state is unknown. Taken for a deletion it resolved open drift (the recorder going blind).
  if (status === 'ResourceNotRecorded')
    throw new IncompleteConfigItemError(
      'configuration item not recorded (the recorder excludes this resource type): its state is unknown',
    );
  const deleted = DELETED.has(status);
  const configuration = parseJsonValue(item.configuration);
  if (!isRecord(configuration) && !deleted) {
    throw new IncompleteConfigItemError(
      'configuration item without configuration (oversized item: fetch it with GetResourceConfigHistory)',
    );
  }
  return {
    status,
    deleted,
    configuration: isRecord(configuration) ? configuration : {},
    supplementary: parseJsonEntries(item.supplementaryConfiguration),
  };
}
