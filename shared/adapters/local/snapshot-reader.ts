import type { BaselinePlan, StateRead, StateReader } from '../../baseline/index.js';
import { readInputs } from '../../events/index.js';
import { str } from '../../kernel/index.js';
import { CONFIG_ITEM_CHANGE } from '../../sources/index.js';

const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded']);

/**
 * A baseline from AWS Config snapshot files (or any files of configuration items): each item is
 * read as the API would give it, each (account, region, type) present is covered, and the state
 * is as of the latest item (`readAt`), so drift seen after the snapshot is never declared gone.
 * No AWS call: what `npm start` runs on the sample snapshot under events/baseline/.
 * @example await runBaseline({ ...deps, reader: new SnapshotFileReader(['AWSLogs/111122223333/Config/']) })
 */
export class SnapshotFileReader implements StateReader {
  public readonly source: string;
  private latest: string | undefined;

  public constructor(
    private readonly paths: readonly string[],
    private readonly onSkip?: (file: string, reason: string) => void,
  ) {
    this.source = `file:${paths.join(',')}`;
  }

  public readAt(): string | undefined {
    return this.latest;
  }

  public async *read(plan: BaselinePlan): AsyncGenerator<StateRead> {
    const covered = new Map<string, { account: string; region: string; configType: string }>();
    const inputs = readInputs(this.paths, this.onSkip ? { onSkip: this.onSkip } : {});
    for await (const r of inputs) {
      if (!r.ok) {
        yield {
          type: 'unreadable',
          account: 'unknown',
          region: 'unknown',
          what: r.rejection.where,
          reason: r.rejection.reason,
        };
        continue;
      }
      const o = r.observation;
      const configType = o.trigger.resourceType;
      if (o.trigger.detailType !== CONFIG_ITEM_CHANGE || !configType || !plan.configTypes.includes(configType))
        continue;
      covered.set(`${o.account}|${o.region}|${configType}`, { account: o.account, region: o.region, configType });
      if (!this.latest || o.eventTime > this.latest) this.latest = o.eventTime;
      const resourceId = str(o.detail, 'resourceId');
      if (resourceId && !DELETED.has(str(o.detail, 'configurationItemStatus') ?? '')) {
        const resourceName = str(o.detail, 'resourceName');
        yield {
          type: 'listed',
          account: o.account,
          region: o.region,
          configType,
          resourceId,
          ...(resourceName ? { resourceName } : {}),
        };
      }
      yield { type: 'observation', observation: o };
    }
    for (const c of covered.values()) yield { type: 'covered', ...c };
  }
}

/** `111122223333/eu-west-1` from an AWS Config delivery path (`AWSLogs/<account>/Config/<region>/...`). */
export function labelOfSnapshotPath(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const i = parts.indexOf('AWSLogs');
  if (i < 0 || parts[i + 2] !== 'Config' || !/^\d{12}$/.test(parts[i + 1] ?? '') || !parts[i + 3]) return undefined;
  return `${parts[i + 1]}/${parts[i + 3]}`;
}
