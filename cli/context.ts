import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config/index.js';
import type { TpguardConfig } from '../shared/config/index.js';
import { loadPolicyPack, PACK_SNAPSHOT_FILE, type PolicyPack } from '../shared/policy/index.js';
import { tpguardCommand } from './invocation.js';

/** The folder tpguard is installed in (holds the default policy pack). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_CONFIG_FILE = 'tpguard.config.yaml';

export { Exit } from './errors.js';

/** `--config FILE`, else `./tpguard.config.yaml` when present, else the defaults. */
export function configPath(option: string | undefined): string | undefined {
  if (option) return option;
  return existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined;
}

/** `--policy DIR`, else `./policies` when present, else the pack tpguard ships. */
export function policyDir(option: string | undefined): string {
  if (option) return option;
  return existsSync('policies') ? 'policies' : join(PACKAGE_ROOT, 'policies');
}

export interface LoadOptions {
  config?: string;
  policy?: string;
}

/**
 * Without a configuration nothing but the always-in-scope resources is evaluated: a scan of a
 * bucket's suspended versioning finds nothing. Commands that evaluate events say so, once.
 */
export function noConfigNotice(): string {
  return `tpguard: no ${DEFAULT_CONFIG_FILE}: nothing is in scope but the always-in-scope SageMaker/Bedrock jobs; pass --config or run ${tpguardCommand()} init\n`;
}

export async function loadContext(
  opts: LoadOptions,
  options: { noticeWithoutConfig?: boolean } = {},
): Promise<{ config: TpguardConfig; pack: PolicyPack; configFile?: string }> {
  const configFile = configPath(opts.config);
  if (!configFile && options.noticeWithoutConfig) process.stderr.write(noConfigNotice());
  const config = await loadConfig(configFile);
  // The snapshot the build ships (dist/) stands in for the YAML while the rule files match it.
  const pack = await loadPolicyPack(policyDir(opts.policy), {
    snapshots: [join(PACKAGE_ROOT, 'dist', PACK_SNAPSHOT_FILE)],
  });
  return { config, pack, configFile };
}
