import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { checkConfigText, type TpguardConfig } from '../../shared/config/index.js';
import { configPath, DEFAULT_CONFIG_FILE, Exit } from '../context.js';
import { CliError } from '../errors.js';
import { tpguardCommand } from '../invocation.js';

/** What a valid configuration sets, in one line: what is in scope and which approved lists are empty. */
export function configSummary(config: TpguardConfig): string {
  const types = Object.entries(config.scope.resources)
    .filter(([, globs]) => (globs ?? []).length > 0)
    .map(([type]) => type);
  const approved = Object.entries(config.approved) as [string, unknown[]][];
  const empty = approved.filter(([, list]) => list.length === 0).map(([k]) => k);
  const teams = Object.keys(config.owners.teams).length;
  return [
    `in scope: ${types.length > 0 ? types.join(', ') : 'no resource type'}${Object.keys(config.scope.tags).length > 0 ? ', and tagged resources' : ''} (besides the always-in-scope SageMaker/Bedrock jobs)`,
    `approved lists empty: ${empty.length > 0 ? empty.join(', ') : 'none'}`,
    `${teams} team${teams === 1 ? '' : 's'}, reviews ${config.reviews ? config.reviews.schedule : 'quarterly by the default owner (no reviews section)'}`,
  ].join('; ');
}

/**
 * Checks a configuration file; returns the exit status. Valid: one line on stdout. Otherwise one
 * line per problem on stderr (`file: line N: ...` or `file: path: ...`) and exit 2.
 */
export async function validateConfig(file: string | undefined, out = process.stdout, err = process.stderr) {
  const path = configPath(file);
  if (!path)
    throw new CliError(
      `no ${DEFAULT_CONFIG_FILE} in this folder (name a file, or write a starter with ${tpguardCommand()} init)`,
    );
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const { config, problems } = checkConfigText(text);
  if (problems.length > 0 || !config) {
    err.write(problems.map((p) => `${path}: ${p}\n`).join(''));
    return Exit.usage;
  }
  out.write(`${path}: valid; ${configSummary(config)}\n`);
  return Exit.ok;
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description(`check a ${DEFAULT_CONFIG_FILE}`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard config validate\n  $ tpguard config validate deploy/prod.tpguard.config.yaml',
    );
  config
    .command('validate')
    .description('check a configuration file: every problem, one line each (YAML, schema, team names)')
    .argument('[file]', `the file (default: ./${DEFAULT_CONFIG_FILE})`)
    .addHelpText(
      'after',
      '\nExit status: 0 valid, 2 a problem (each on its own line on stderr).\n\nExamples:\n  $ tpguard config validate\n  $ tpguard config validate deploy/prod.tpguard.config.yaml',
    )
    .action(async (file: string | undefined) => {
      process.exitCode = await validateConfig(file);
    });
}
