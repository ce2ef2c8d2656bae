/**
 * `npm run package [-- --stage prod --region eu-west-1]`: `npm run build`, then `serverless
 * package` (osls) for the central stack (`.serverless/`) and the forwarder stack
 * (`forwarder/.serverless/`). Offline: no AWS credentials and no network needed.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildAll, errorText, prerequisites, sizeTable } from './build.js';

const SERVERLESS = resolve('node_modules', '.bin', 'serverless');

function serverlessPackage(cwd: string, args: string[]): void {
  const run = spawnSync(SERVERLESS, ['package', ...args], { cwd, stdio: 'inherit' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`serverless package failed in ${cwd} (exit ${run.status})`);
}

async function main(): Promise<number> {
  try {
    const root = resolve('.');
    const { reports, patterns } = await buildAll(root);
    process.stdout.write(`${sizeTable(reports)}\n\nThe account needs:\n${prerequisites(patterns)}\n`);
    const args = process.argv.slice(2);
    serverlessPackage(root, args);
    serverlessPackage(join(root, 'forwarder'), args);
    return 0;
  } catch (err) {
    if (process.env.TPGUARD_DEBUG) console.error(err);
    process.stderr.write(`package: ${errorText(err)}\n`);
    return 2;
  }
}

process.exitCode = await main();
