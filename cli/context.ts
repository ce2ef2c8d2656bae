import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config/index.js';
import type { TpguardConfig } from '../shared/config/index.js';
import { loadPolicyPack, type PolicyPack } from '../shared/policy/index.js';

/** The folder tpguard is installed in (holds the default policy pack). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_CONFIG_FILE = 'tpguard.config.yaml';

/** Exit statuses, the same for every command. */
export const Exit = { ok: 0, findings: 1, usage: 2 } as const;

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

export async function loadContext(
  opts: LoadOptions,
): Promise<{ config: TpguardConfig; pack: PolicyPack; configFile?: string }> {
  const configFile = configPath(opts.config);
  const config = await loadConfig(configFile);
  const pack = await loadPolicyPack(policyDir(opts.policy));
  return { config, pack, configFile };
}
