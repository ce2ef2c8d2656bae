import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import { FileLoadError } from '../kernel/index.js';
import { ConfigSchema, type TpguardConfig } from './schema.js';

/**
 * Configuration as data, without the YAML parser: what the deployed functions load (the
 * build writes the validated configuration as JSON beside the YAML), and what the YAML
 * loader validates after parsing.
 */

/** Formats the first zod issue as `path: message`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
    return `unknown key ${keys}`;
  }
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Validates configuration data (parsed from YAML or JSON); `file: problem` on error. */
export function configFromData(data: unknown, file: string): TpguardConfig {
  const result = ConfigSchema.safeParse(data ?? {});
  if (!result.success) throw new FileLoadError(file, formatIssue(result.error.issues[0]!));
  return result.data;
}

/** Where the build writes a configuration's snapshot: `tpguard.config.yaml` -> `tpguard.config.snapshot.json`. */
export function configSnapshotPath(file: string): string {
  return `${file.replace(/\.ya?ml$/, '')}.snapshot.json`;
}

/**
 * Loads the JSON snapshot the build wrote beside `file`, validated like the YAML.
 * @example const config = await loadConfigSnapshot('tpguard.config.yaml')
 */
export async function loadConfigSnapshot(file: string): Promise<TpguardConfig> {
  const snapshot = configSnapshotPath(file);
  let text: string;
  try {
    text = await readFile(snapshot, 'utf8');
  } catch (err) {
    throw new FileLoadError(
      snapshot,
      `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)} (the build writes it: npm run package)`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new FileLoadError(snapshot, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return configFromData(data, snapshot);
}
