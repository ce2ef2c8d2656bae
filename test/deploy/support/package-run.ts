import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from './template.js';

/** The project checkout the tests run from. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What `npm run package` needs from a fresh clone (node_modules is linked, not copied). */
const PROJECT_FILES = [
  'package.json',
  'tsconfig.json',
  'serverless.yml',
  'tpguard.config.yaml',
  'forwarder/serverless.yml',
];
const PROJECT_DIRS = ['scripts', 'functions', 'shared', 'cli', 'bin', 'policies', 'events'];

const NO_NETWORK = join(PROJECT_ROOT, 'test', 'deploy', 'support', 'no-network.mjs');

/**
 * A copy of the project in a temporary folder, so packaging neither races with another test
 * run in the same checkout nor overwrites a developer's `.build/` and `.serverless/`.
 */
export function copyProject(): string {
  const work = mkdtempSync(join(tmpdir(), 'tpguard-package-'));
  for (const f of PROJECT_FILES) {
    mkdirSync(dirname(join(work, f)), { recursive: true });
    cpSync(join(PROJECT_ROOT, f), join(work, f));
  }
  for (const d of PROJECT_DIRS)
    if (existsSync(join(PROJECT_ROOT, d))) cpSync(join(PROJECT_ROOT, d), join(work, d), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  return work;
}

/**
 * The environment of an offline run: no AWS credentials or profiles, and every Node process
 * preloads a guard that logs and refuses any DNS lookup or TCP connection.
 */
export function offlineEnv(networkLog: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'NODE_OPTIONS') env[k] = v;
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_OPTIONS: `--import ${NO_NETWORK}`,
    TPGUARD_NETWORK_LOG: networkLog,
    ...extra,
  };
}

export interface Run {
  status: number | null;
  output: string;
}

/** Runs a command to completion (10 minutes at most), collecting stdout and stderr. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export function readTemplate(dir: string): Template {
  return JSON.parse(
    readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}
