import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type Json } from './fixtures.js';

/** The "Config Configuration Item Change" events shipped in events/ (the sample account's config items). */
export function configChangeEvents(): { file: string; event: Json }[] {
  const out: { file: string; event: Json }[] = [];
  for (const dir of ['events/config', 'events/story', 'events/shapes']) {
    for (const name of readdirSync(join(REPO_ROOT, dir)).sort()) {
      if (!name.endsWith('.json')) continue;
      const event = JSON.parse(readFileSync(join(REPO_ROOT, dir, name), 'utf8')) as Json;
      if (event['detail-type'] === 'Config Configuration Item Change' && event.detail?.configurationItem)
        out.push({ file: `${dir}/${name}`, event });
    }
  }
  return out;
}

/**
 * A configuration item under the names AWS Config's snapshot and history files use
 * (`version`, `accountId`, `arn`, `configurationItemMD5Hash`, `relationshipName`), as
 * test/corpus/public/aws-config-rdk shows them.
 */
export function asHistoryItem(item: Json): Json {
  const { configurationItemVersion, awsAccountId, ARN, configurationStateMd5Hash, relationships, ...rest } =
    structuredClone(item) as Json;
  return {
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationItemMD5Hash: configurationStateMd5Hash,
    ...rest,
    relationships: (relationships ?? []).map(({ name, ...r }: Json) => ({ ...r, relationshipName: name })),
  };
}

/** A configuration snapshot file (or a history file without `snapshotId`) holding these items. */
export function configFile(items: Json[], snapshotId?: string): Json {
  return {
    fileVersion: '1.0',
    ...(snapshotId ? { configSnapshotId: snapshotId } : {}),
    configurationItems: items,
  };
}
