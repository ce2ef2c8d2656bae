import type { Command } from 'commander';
import type { DigestRun } from '../../shared/notify/index.js';
import { DeliveryFailedError } from '../../shared/notify/index.js';
import { Exit } from '../context.js';
import { CliError } from '../errors.js';
import { openStore, storeOptions, type StoreOptions } from '../store.js';

/** `digest: 3 open drift; 1 drift escalated; digests sent: email nlp, slack fraud`. */
export function digestSummary(run: DigestRun): string {
  const escalated = new Set(run.escalations.filter((r) => r.outcome === 'sent').map((r) => r.driftId)).size;
  const sent = run.digests.filter((d) => d.outcome === 'sent').map((d) => `${d.channel} ${d.owner}`);
  const again = run.digests.filter((d) => d.outcome === 'duplicate').length;
  return `digest: ${run.open} open drift; ${escalated} drift escalated to the default owners; digests sent: ${sent.join(', ') || 'none'}${again > 0 ? `; ${again} already sent today` : ''}`;
}

/** Runs the daily digest and escalation over the store the options choose; returns the exit status. */
export async function runDigestCommand(
  opts: StoreOptions,
  cmd: Command,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const rt = await openStore(opts, cmd, { log: (line) => void out.write(`  ${line}\n`) });
  try {
    const run = await rt.digest();
    out.write(`${digestSummary(run)}\n`);
    return Exit.ok;
  } catch (err) {
    if (err instanceof DeliveryFailedError) throw new CliError(err.message);
    throw err;
  } finally {
    await rt.close();
  }
}

export function registerDigest(program: Command): void {
  storeOptions(
    program
      .command('digest')
      .description(
        'the daily run, on demand: escalate drift open longer than notifications.escalateAfterHours, then one digest per owner (outbox.ndjson)',
      ),
  )
    .addHelpText(
      'after',
      '\nEach escalation is sent once per open episode and each digest once per owner, channel and day,\nso running it twice the same day sends nothing new. Deployed, EventBridge Scheduler runs functions/digest daily.\n\nExamples:\n  $ tpguard digest\n  $ tpguard --now 2026-11-04T09:00:00Z digest --data-dir /tmp/tpguard',
    )
    .action(async (opts: StoreOptions, cmd: Command) => {
      process.exitCode = await runDigestCommand(opts, cmd);
    });
}
