import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { FileLoadError } from '../util/errors.js';
import { ConfigSchema, type TpguardConfig } from './schema.js';

/** Formats the first zod issue as `path: message`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
    return `unknown key ${keys}`;
  }
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * Parses and validates configuration text. Throws {@link FileLoadError} with
 * `file: problem` on YAML or schema errors.
 * @example parseConfig('scope: {}', 'tpguard.config.yaml')
 */
export function parseConfig(text: string, file: string): TpguardConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw new FileLoadError(file, `${line ? `line ${line.line}: ` : ''}${yamlError.message.split('\n')[0]}`);
  }
  const data = doc.toJS() ?? {};
  const result = ConfigSchema.safeParse(data);
  if (!result.success) throw new FileLoadError(file, formatIssue(result.error.issues[0]!));
  return result.data;
}

/** Reads and validates a configuration file; `undefined` gives the defaults. */
export async function loadConfig(file?: string): Promise<TpguardConfig> {
  if (!file) return ConfigSchema.parse({});
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FileLoadError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseConfig(text, file);
}
