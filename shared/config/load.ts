import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { FileLoadError } from '../kernel/index.js';
import { configFromData } from './data.js';
import { ConfigSchema, type TpguardConfig } from './schema.js';

export { configFromData, configSnapshotPath, formatIssue } from './data.js';

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
  // An empty file (or one of comments only) is a mistake more often than a choice: say so.
  if (yaml.data === null || yaml.data === undefined)
    throw new FileLoadError(
      file,
      'empty: no settings in it (write {} for the defaults, or run tpguard init for a starter)',
    );
  return configFromData(yaml.data, file);
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
