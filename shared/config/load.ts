import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
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
 * Parses YAML (duplicate keys are errors). On error gives the first problem as
 * `line N: message`, with the line counted from the text (the parser's own `linePos`
 * is only filled with pretty errors, which span several lines).
 * @example parseYaml('a: 1\na: 2\n') // { ok: false, message: 'line 2: Map keys must be unique' }
 */
export function parseYaml(text: string): { ok: true; data: unknown } | { ok: false; message: string } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const error = doc.errors[0];
  if (!error) return { ok: true, data: doc.toJS() };
  return { ok: false, message: `line ${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}` };
}

/**
 * Parses and validates configuration text. Throws {@link FileLoadError} with
 * `file: problem` on YAML or schema errors.
 * @example parseConfig('scope: {}', 'tpguard.config.yaml')
 */
export function parseConfig(text: string, file: string): TpguardConfig {
  const yaml = parseYaml(text);
  if (!yaml.ok) throw new FileLoadError(file, yaml.message);
  return configFromData(yaml.data, file);
}

/** Where the build writes a configuration's parsed form: `tpguard.config.yaml` -> `tpguard.config.snapshot.json`. */
export function configSnapshotPath(file: string): string {
  return file.replace(/\.ya?ml$/, '') + '.snapshot.json';
}

/** Validates configuration data (already parsed from YAML or JSON). */
export function configFromData(data: unknown, file: string): TpguardConfig {
  const result = ConfigSchema.safeParse(data ?? {});
  if (!result.success) throw new FileLoadError(file, formatIssue(result.error.issues[0]!));
  return result.data;
}

/**
 * Reads and validates a configuration file; `undefined` gives the defaults. With
 * `preferSnapshot`, the build's JSON snapshot beside it is used when present (no YAML parse
 * on a Lambda cold start); it is validated the same way.
 */
export async function loadConfig(file?: string, options: { preferSnapshot?: boolean } = {}): Promise<TpguardConfig> {
  if (!file) return ConfigSchema.parse({});
  if (options.preferSnapshot) {
    const snapshot = configSnapshotPath(file);
    const json = await readFile(snapshot, 'utf8').catch(() => undefined);
    if (json !== undefined) {
      try {
        return configFromData(JSON.parse(json), snapshot);
      } catch (err) {
        if (err instanceof FileLoadError) throw err;
        throw new FileLoadError(snapshot, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FileLoadError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseConfig(text, file);
}
