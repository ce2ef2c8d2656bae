import type { Command } from 'commander';
import { type LoadOptions } from './context.js';
import { CliError } from './errors.js';

/**
 * The store options, apart from the store itself (cli/store.ts) so that registering them loads
 * neither the AWS SDK nor the embedded DynamoDB.
 */

/** The embedded store's data folder (as shared/adapters/local's DEFAULT_DATA_DIR). */
export const DEFAULT_DATA_DIR = '.tpguard';

/** The options every command that reads or writes the store takes. */
export interface StoreOptions extends LoadOptions {
  dataDir: string;
  stage?: string;
  region?: string;
  profile?: string;
  table?: string;
  bus?: string;
}

/**
 * Adds the store options (`--data-dir`, `--stage`, `--region`, `--profile`, `--table`, `--bus`),
 * `--config` and `--policy` to a command.
 * @example storeOptions(program.command('report')).action(...)
 */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'embedded store: data folder (DynamoDB, outbox.ndjson)', DEFAULT_DATA_DIR)
    .option('--stage <stage>', 'deployed stack tpguard-<stage>: its table, bus and topic (from the stack outputs)')
    .option('--region <region>', 'AWS region of the deployed stack or table (default: AWS_REGION or the profile)')
    .option('--profile <name>', 'AWS profile (default: the standard chain: environment, SSO, instance role)')
    .option('--table <name>', 'a deployed tpguard table by name, without its stack')
    .option('--bus <name>', 'with --table: the tpguard bus transitions go to (default: the table name)')
    .option('--config <file>', 'configuration file (default: ./tpguard.config.yaml when present)')
    .option('--policy <dir>', 'policy pack folder (default: ./policies when present, else the pack tpguard ships)');
}

const given = (cmd: Command, name: string) => cmd.getOptionValueSource(name) === 'cli';

/** Refuses combinations that would leave it unclear which store a command acts on. */
export function checkStoreChoice(opts: StoreOptions, cmd: Command): 'embedded' | 'deployed' {
  const deployed = opts.stage !== undefined || opts.table !== undefined;
  if (opts.stage !== undefined && opts.table !== undefined)
    throw new CliError('--stage and --table both name a deployed store: give one');
  if (deployed && given(cmd, 'dataDir'))
    throw new CliError('--data-dir is the embedded store: drop it with --stage or --table');
  if (opts.bus !== undefined && opts.table === undefined)
    throw new CliError('--bus goes with --table (--stage reads the bus from the stack)');
  if (!deployed && (opts.region !== undefined || opts.profile !== undefined))
    throw new CliError('--region and --profile go with --stage or --table (without them the embedded store is used)');
  if (opts.stage !== undefined && !/^[a-zA-Z0-9-]{1,64}$/.test(opts.stage))
    throw new CliError('--stage: letters, digits and hyphens only (the stack is tpguard-<stage>)');
  if (opts.table !== undefined && !/^[\w.-]{3,255}$/.test(opts.table))
    throw new CliError('--table: not a DynamoDB table name');
  if (opts.bus !== undefined && !/^[\w.\-/]{1,256}$/.test(opts.bus)) throw new CliError('--bus: not an event bus name');
  return deployed ? 'deployed' : 'embedded';
}
