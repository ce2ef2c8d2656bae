import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { describeError } from '../util/errors.js';
import { parseJson } from '../util/json.js';
import { intake, type IntakeResult } from './normalize.js';

const gunzipAsync = promisify(gunzip);

/** Largest single NDJSON line accepted (EventBridge events are at most 256 KiB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const EVENT_FILE = /\.(json|ndjson|jsonl)(\.gz)?$/i;
const LINE_FILE = /\.(ndjson|jsonl)(\.gz)?$/i;

export interface ReadOptions {
  /** Called for files a directory walk passes over (not JSON), with the reason. */
  onSkip?: (file: string, reason: string) => void;
  /** Called when a file starts, for progress output. */
  onFile?: (file: string) => void;
  /** Standard input, for the path `-`. */
  stdin?: Readable;
}

/**
 * Reads events from files, directories (recursively) and stdin (`-`), one file at a
 * time so memory stays flat whatever the archive size. Yields every record as an
 * observation or a rejection; an unreadable file is one rejection, never a throw.
 * @example for await (const r of readInputs(['trail/'])) if (r.ok) evaluate(r.observation)
 */
export async function* readInputs(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<IntakeResult> {
  for (const path of paths) {
    if (path === '-') {
      yield* readStream(options.stdin ?? process.stdin, '<stdin>');
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      yield { ok: false, rejection: { where: path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}` } };
      continue;
    }
    if (info.isDirectory()) yield* readDirectory(path, options);
    else yield* readFileEvents(path, options);
  }
}

async function* readDirectory(dir: string, options: ReadOptions): AsyncGenerator<IntakeResult> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* readDirectory(full, options);
    else if (entry.isFile()) {
      if (EVENT_FILE.test(entry.name) || (await looksLikeJson(full))) yield* readFileEvents(full, options);
      else options.onSkip?.(full, 'not an event file (not JSON, NDJSON or gzip)');
    }
  }
}

/** Sniffs the first bytes: JSON documents start with `{` or `[`, gzip with 1f 8b. */
async function looksLikeJson(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return true;
    const text = buffer.subarray(0, bytesRead).toString('utf8').trimStart();
    return text.startsWith('{') || text.startsWith('[');
  } finally {
    await handle.close();
  }
}

async function* readFileEvents(file: string, options: ReadOptions): AsyncGenerator<IntakeResult> {
  options.onFile?.(file);
  if (LINE_FILE.test(file)) {
    const raw = createReadStream(file);
    yield* readStream(file.toLowerCase().endsWith('.gz') ? raw.pipe(createGunzip()) : raw, file, true);
    return;
  }
  let text: string;
  try {
    let bytes = await readFile(file);
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzipAsync(bytes);
    text = bytes.toString('utf8');
  } catch (err) {
    yield { ok: false, rejection: { where: file, reason: `cannot read: ${describeError(err)}` } };
    return;
  }
  yield* intakeText(text, file);
}

function* intakeText(text: string, where: string): Generator<IntakeResult> {
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (err) {
    yield { ok: false, rejection: { where, reason: describeError(err) } };
    return;
  }
  yield* intake(doc, where);
}

/**
 * Reads a stream as NDJSON when each line is a JSON value, otherwise as one JSON
 * document. `linesOnly` forces NDJSON (for .ndjson/.jsonl files).
 */
async function* readStream(stream: Readable, where: string, linesOnly = false): AsyncGenerator<IntakeResult> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const pending: string[] = [];
  let mode: 'unknown' | 'lines' | 'document' = linesOnly ? 'lines' : 'unknown';
  let index = 0;
  try {
    for await (const line of lines) {
      if (mode === 'document') {
        pending.push(line);
        continue;
      }
      const trimmed = line.trim();
      if (trimmed.length === 0) continue;
      if (mode === 'unknown') mode = isCompleteJson(trimmed) ? 'lines' : 'document';
      if (mode === 'document') {
        pending.push(line);
        continue;
      }
      yield* intakeLine(trimmed, `${where}:${index++}`);
    }
  } catch (err) {
    yield { ok: false, rejection: { where, reason: `cannot read: ${describeError(err)}` } };
    return;
  }
  if (mode === 'document') yield* intakeText(pending.join('\n'), where);
}

function* intakeLine(line: string, where: string): Generator<IntakeResult> {
  if (line.length > MAX_LINE_BYTES) {
    yield { ok: false, rejection: { where, reason: `line too long (${line.length} bytes, limit ${MAX_LINE_BYTES})` } };
    return;
  }
  let doc: unknown;
  try {
    doc = parseJson(line);
  } catch (err) {
    yield { ok: false, rejection: { where, reason: describeError(err) } };
    return;
  }
  // A line is one event; an array or log file on one line still unwraps.
  for (const r of intake(doc, where)) yield r;
}

function isCompleteJson(line: string): boolean {
  if (!(line.startsWith('{') || line.startsWith('['))) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
