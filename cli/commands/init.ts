import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_CONFIG_FILE } from '../context.js';
import { CliError } from '../errors.js';
import { tpguardCommand } from '../invocation.js';
import { STARTER_CONFIG } from '../starter-config.js';

/**
 * Writes the commented starter configuration into the current folder; an existing file is kept
 * unless `force`. Returns the lines to print.
 * @example await initConfig({ force: false }) // ['wrote tpguard.config.yaml ...', ...]
 */
export async function initConfig(opts: { force?: boolean }): Promise<string[]> {
  try {
    await writeFile(DEFAULT_CONFIG_FILE, STARTER_CONFIG, { flag: opts.force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${DEFAULT_CONFIG_FILE} exists: kept as it is (--force replaces it)`);
    throw new CliError(`${DEFAULT_CONFIG_FILE}: cannot write it (${code ?? String(err)})`);
  }
  const tpguard = tpguardCommand();
  return [
    `wrote ${DEFAULT_CONFIG_FILE}: replace the examples in scope, approved and owners with your pipeline's names`,
    `then: ${tpguard} config validate && ${tpguard} scan <CloudTrail log files or folders>`,
  ];
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write a commented starter ${DEFAULT_CONFIG_FILE} (scope, approved lists, owners) in this folder`)
    .option('--force', `replace an existing ${DEFAULT_CONFIG_FILE}`)
    .addHelpText(
      'after',
      '\nEvery command reads ./tpguard.config.yaml unless --config names another.\n\nExamples:\n  $ tpguard init\n  $ tpguard init --force && tpguard config validate',
    )
    .action(async (opts: { force?: boolean }) => {
      process.stdout.write(`${(await initConfig(opts)).join('\n')}\n`);
    });
}
