import type { Command } from 'commander';
import { actorLabel } from '../../shared/kernel/index.js';
import { recordPackChange } from '../../shared/review/index.js';
import { CliError } from '../errors.js';
import { requireDeployedPack, withStore, type StoreOptions } from '../store.js';

/**
 * `tpguard rules publish`: records who put the pack version in force, in the store (after a
 * deploy, by whoever deployed). Against a stack the version must be the one it runs, and the
 * identity is the caller's. Loaded only when the command runs (it opens a store).
 * @example await publishPack({ dataDir: '.tpguard', stage: 'prod', region: 'eu-west-1' }, cmd)
 */
export async function publishPack(opts: StoreOptions & { by?: string }, cmd: Command): Promise<void> {
  await withStore(opts, cmd, async (store) => {
    requireDeployedPack(store);
    const actor = store.actor(opts.by);
    if (!actor) throw new CliError('--by is required: who put this pack version in force');
    const { recorded, change } = await recordPackChange(store.deps, actor, store.where);
    const who = actorLabel(change.changedBy, change.changedByName);
    process.stdout.write(
      recorded
        ? `pack ${change.version} (${store.pack.rules.length} rules) recorded as put in force by ${who} at ${change.changedAt} (${store.where})\n`
        : `pack ${change.version} was recorded already, by ${who} at ${change.changedAt}: unchanged\n`,
    );
  });
}
