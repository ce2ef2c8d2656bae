import { str } from '../kernel/index.js';
import { normalizeConfigItem } from './config-item.js';
import { defineFileFormat } from './definition.js';
import type { Observation } from './types.js';

/** The top-level key of AWS Config's snapshot and history files. */
export const CONFIG_FILE_KEY = 'configurationItems';

/**
 * An AWS Config delivery file: a configuration snapshot (`configSnapshotId` in its header;
 * `AWSLogs/<account>/Config/<region>/<y>/<m>/<d>/ConfigSnapshot/...json.gz`) or a configuration
 * history file (no snapshot id; `.../ConfigHistory/...`). Each item becomes the observation the
 * same item gives in a "Config Configuration Item Change" event (shared/sources/config-item.ts),
 * whatever names it uses. A snapshot is a read of the whole current state: its items carry a
 * baseline origin (one batch per snapshot id), so their drift is marked `origin: baseline` and
 * alerted as one summary; history items are changes and alert as usual.
 */
export function configFileItem(item: Record<string, unknown>, header: Record<string, unknown>): Observation {
  const obs = normalizeConfigItem(item);
  const snapshotId = str(header, 'configSnapshotId');
  if (snapshotId)
    obs.origin = { kind: 'baseline', batchId: `config-snapshot-${snapshotId}`, label: `${obs.account}/${obs.region}` };
  return obs;
}

/** AWS Config configuration snapshots and history files (S3 deliveries), plain or gzip. */
export const configFileFormat = defineFileFormat({
  name: 'config-file',
  key: CONFIG_FILE_KEY,
  description: 'AWS Config configuration snapshot and history files ({"fileVersion", "configurationItems": [...]})',
  item: configFileItem,
});
