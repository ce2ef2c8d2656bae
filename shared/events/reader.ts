import type { Dirent } from 'node:fs';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { describeError } from '../kernel/index.js';
import { dropForbiddenKeys, isRecord, parseJson, parseJsonScanned } from '../kernel/index.js';
import { JsonDocumentSplitter, type SplitPart } from './json-splitter.js';
import { splitLines } from './line-splitter.js';
import { intake, intakeRecord, type IntakeResult, isUnwatchedCloudTrailRecord } from '../sources/index.js';
import { readWholeFile, scanKeys, WHOLE_FILE_LIMITS } from './whole-file.js';

const gunzipAsync = promisify(gunzip);

/** Largest single NDJSON line accepted (EventBridge events are at most 256 KiB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Largest single record of a streamed array or `Records` file. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const EVENT_FILE = /\.(json|ndjson|jsonl)(\.gz)?$/i;
const LINE_FILE = /\.(ndjson|jsonl)(\.gz)?$/i;

export interface ReadOptions {
  /** Called for files a directory walk passes over (not JSON), with the reason. */
  onSkip?: (file: string, reason: string) => void;
  /** Called when a file starts, for progress output. */
  onFile?: (file: string) => void;
  /** Standard input, for the path `-`. */
  stdin?: Readable;
  /** Files up to this size on disk are read whole (default 32 MiB, `WHOLE_FILE_LIMITS`); -1 streams every file. */
  wholeFileBytes?: number;
  /**
   * For a consumer that only evaluates (`tpguard scan`): the CloudTrail records of a log file
   * whose call no rule listens to (`watched` false, see `isUnwatchedCloudTrailRecord`) are counted
   * through `count` instead of being normalized and yielded. Rejections are unchanged.
   */
  unwatched?: { watched: (eventSource: string, eventName: string) => boolean; count: () => void };
}

/** One item of the inputs named on a command line, in order: a file to read, stdin, or a notice. */
export type InputItem =
  | { kind: 'file'; file: string }
  | { kind: 'stdin' }
  | { kind: 'rejected'; result: IntakeResult }
  | { kind: 'skipped'; file: string; reason: string };

/**
 * The inputs of {@link readInputs} without reading them: each path, folders walked in name order,
 * with the same rejections (unreadable paths and folders) and skip notices. For a consumer that
 * reads the files elsewhere (the parallel scan's workers) with {@link readEventFile}.
 * @example for await (const item of listInputs(['trail/'])) if (item.kind === 'file') ...
 */
export async function* listInputs(paths: readonly string[]): AsyncGenerator<InputItem> {
  for (const path of paths) {
    if (path === '-') {
      yield { kind: 'stdin' };
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (err) {
      yield { kind: 'rejected', result: reject(path, `cannot read: ${errorCode(err)}`) };
      continue;
    }
    if (!info.isDirectory()) {
      yield { kind: 'file', file: path };
      continue;
    }
    for await (const found of eventFiles(path)) {
      if (typeof found === 'string') yield { kind: 'file', file: found };
      else if ('skipped' in found) yield { kind: 'skipped', file: found.skipped, reason: found.reason };
      else yield { kind: 'rejected', result: found };
    }
  }
}

/**
 * The records of one file as {@link readInputs} reads it: read whole (small files, synchronous
 * from then on) or streamed. Its read starts now, so calling it ahead reads ahead.
 * @example for (const r of await readEventFile('trail.json.gz')) ...  // or for await
 */
export async function readEventFile(
  file: string,
  options: ReadOptions = {},
): Promise<Iterable<IntakeResult> | AsyncIterable<IntakeResult>> {
  const whole = LINE_FILE.test(file) ? undefined : await readWholeFile(file, options.wholeFileBytes);
  return whole === undefined ? streamFileEvents(file, options) : intakeWhole(whole, file, options);
}

const reject = (where: string, reason: string): IntakeResult => ({ ok: false, rejection: { where, reason } });
const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? describeError(err);

/**
 * Reads events from files, directories (recursively) and stdin (`-`), one file at a
 * time and one record at a time, so memory stays flat whatever the archive size: NDJSON
 * is read line by line, arrays and `{"Records":[...]}` files record by record, gzip is
 * inflated as a stream. Yields every record as an observation or a rejection; an
 * unreadable file is one rejection, never a throw.
 * @example for await (const r of readInputs(['trail/'])) if (r.ok) evaluate(r.observation)
 */
export async function* readInputs(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<IntakeResult> {
  for (const path of paths) {
    if (path === '-') {
      yield* readStream(options.stdin ?? process.stdin, '<stdin>');
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (err) {
      yield reject(path, `cannot read: ${errorCode(err)}`);
      continue;
    }
    if (!info.isDirectory()) {
      yield* fileEvents(await openFile(path, options));
      continue;
    }
    // The walk yields files, not records: a record of a small file is yielded from here, one
    // async step, instead of crossing a generator per folder level (`npm run bench`).
    // One file is read ahead: its read and gunzip (libuv's thread pool) overlap the parsing
    // and evaluation of the current one on the main thread. Order is kept.
    let ahead: Prefetched | undefined;
    for await (const found of eventFiles(path)) {
      if (typeof found !== 'string') {
        if (ahead) yield* drain(ahead, options);
        ahead = undefined;
        if ('skipped' in found) options.onSkip?.(found.skipped, found.reason);
        else yield found;
        continue;
      }
      const next = prefetch(found, options);
      if (ahead) yield* drain(ahead, options);
      ahead = next;
    }
    if (ahead) yield* drain(ahead, options);
  }
}

interface Prefetched {
  file: string;
  whole: Promise<string | undefined>;
}

function prefetch(file: string, options: ReadOptions): Prefetched {
  return {
    file,
    whole: LINE_FILE.test(file) ? Promise.resolve(undefined) : readWholeFile(file, options.wholeFileBytes),
  };
}

async function* drain(p: Prefetched, options: ReadOptions): AsyncGenerator<IntakeResult> {
  options.onFile?.(p.file);
  const whole = await p.whole;
  if (whole === undefined) yield* streamFileEvents(p.file, options);
  else for (const r of intakeWhole(whole, p.file, options)) yield r;
}

async function* fileEvents(items: Iterable<IntakeResult> | AsyncIterable<IntakeResult>): AsyncGenerator<IntakeResult> {
  yield* items;
}

/** The event files under `dir`, in name order, or the rejection of one that cannot be read. */
/** A file the walk passes over, reported in walk order through `onSkip`. */
interface Skipped {
  skipped: string;
  reason: string;
}

async function* eventFiles(dir: string): AsyncGenerator<string | IntakeResult | Skipped> {
  let entries: Dirent[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    yield reject(dir, `cannot read folder: ${errorCode(err)}`);
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* eventFiles(full);
    else if (entry.isSymbolicLink())
      yield { skipped: full, reason: 'symbolic link, not followed (name it on the command line to read it)' };
    else if (!entry.isFile()) yield { skipped: full, reason: 'not a regular file' };
    else if (EVENT_FILE.test(entry.name)) yield full;
    else {
      const sniffed = await sniff(full);
      if (sniffed === 'json' || sniffed === 'gzip') yield full;
      else if (sniffed === 'other') yield { skipped: full, reason: 'not an event file (not JSON, NDJSON or gzip)' };
      else yield reject(full, `cannot read: ${sniffed.error}`);
    }
  }
}

type Sniffed = 'json' | 'gzip' | 'other' | { error: string };

/** Sniffs the first bytes: JSON documents start with `{` or `[`, gzip with 1f 8b. */
async function sniff(file: string): Promise<Sniffed> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'gzip';
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.startsWith('{') || text.startsWith('[') ? 'json' : 'other';
  } catch (err) {
    return { error: errorCode(err) };
  } finally {
    await handle?.close();
  }
}

/** A file as a byte stream, inflated when it starts with the gzip magic bytes (whatever its name). */
async function openEventFile(file: string): Promise<Readable> {
  const kind = await sniff(file);
  if (typeof kind === 'object') throw new Error(kind.error);
  const raw = createReadStream(file);
  if (kind !== 'gzip') return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** The records of one file: a small one read whole (synchronous from here on), others streamed. */
async function openFile(
  file: string,
  options: ReadOptions,
): Promise<Iterable<IntakeResult> | AsyncIterable<IntakeResult>> {
  options.onFile?.(file);
  const whole = LINE_FILE.test(file) ? undefined : await readWholeFile(file, options.wholeFileBytes);
  return whole === undefined ? streamFileEvents(file, options) : intakeWhole(whole, file, options);
}

async function* streamFileEvents(file: string, options: ReadOptions): AsyncGenerator<IntakeResult> {
  let stream: Readable;
  try {
    stream = await openEventFile(file);
  } catch (err) {
    yield reject(file, `cannot read: ${describeError(err)}`);
    return;
  }
  if (LINE_FILE.test(file)) yield* readStream(stream, file, true);
  else yield* readDocument(stream, file, options);
}

/**
 * A small file read whole: parsed at once when it is valid JSON (the records and their
 * `where` are the same as streamed), else split so each malformed record is rejected alone.
 */
function* intakeWhole(text: string, where: string, options: ReadOptions): Generator<IntakeResult> {
  if (options.unwatched) {
    const records = plainLogFile(text);
    if (records) {
      yield* intakeLogFile(records, where, options.unwatched);
      return;
    }
  }
  const keys = scanKeys(text);
  let doc: unknown;
  try {
    doc = parseJsonScanned(text, keys.mayHoldForbiddenKey);
  } catch {
    doc = undefined;
  }
  // JSON.parse keeps the last of two `Records` lists; the splitter rejects the second.
  if (doc !== undefined && !(isRecord(doc) && 'Records' in doc && keys.recordsKeys > 1)) {
    if (options.unwatched && isRecord(doc) && Array.isArray(doc.Records))
      yield* intakeLogFile(doc.Records, where, options.unwatched);
    else yield* intake(doc, where);
    return;
  }
  const splitter = new JsonDocumentSplitter({ maxRecord: MAX_RECORD_BYTES });
  yield* fromParts(splitter.push(text), where, options);
  if (!splitter.failed) yield* fromParts(splitter.end(), where, options);
}

/**
 * The `Records` of a CloudTrail log file parsed without the forbidden-key guard's pass over its
 * text, when the text holds the string `"Records"` once (a second one, even as a value, takes the
 * general path: a duplicate key must be rejected) and parses as `{"Records": [...]}`; undefined
 * otherwise. {@link intakeLogFile} then drops the forbidden keys of the records it reads beyond
 * their eventSource and eventName: the same records as `parseJson` would give. The guard's
 * regular expression cost ~10 % of the parse (`npm run bench`); two `indexOf` cost a fraction.
 */
function plainLogFile(text: string): unknown[] | undefined {
  const first = text.indexOf('"Records"');
  if (first < 0 || text.indexOf('"Records"', first + 9) >= 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(doc) && Array.isArray(doc.Records) ? doc.Records : undefined;
}

/**
 * The records of a log file as `intake` yields them, those of calls no rule listens to only
 * counted; the others cleaned of forbidden keys first (a no-op when `parseJson` parsed them).
 */
function* intakeLogFile(
  records: unknown[],
  where: string,
  unwatched: NonNullable<ReadOptions['unwatched']>,
): Generator<IntakeResult> {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (isUnwatchedCloudTrailRecord(r, unwatched.watched)) unwatched.count();
    else yield* intakeRecord(dropForbiddenKeys(r), `${where}:${i}`);
  }
}

/** One JSON document (a `.json` file): its records are streamed, see {@link JsonDocumentSplitter}. */
async function* readDocument(stream: Readable, where: string, options: ReadOptions = {}): AsyncGenerator<IntakeResult> {
  const splitter = new JsonDocumentSplitter({ maxRecord: MAX_RECORD_BYTES });
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) {
      yield* fromParts(splitter.push(chunk as string), where, options);
      if (splitter.failed) break;
    }
  } catch (err) {
    yield reject(where, `cannot read: ${describeError(err)}`);
    return;
  } finally {
    stream.destroy();
  }
  yield* fromParts(splitter.end(), where, options);
}

function* fromParts(parts: readonly SplitPart[], where: string, options: ReadOptions = {}): Generator<IntakeResult> {
  for (const part of parts) {
    if (part.kind === 'document') {
      yield* intakeText(part.text, where);
      continue;
    }
    const at = part.index === undefined ? where : `${where}:${part.index}`;
    if (part.kind === 'error') {
      yield reject(at, part.reason);
      continue;
    }
    let value: unknown;
    try {
      value = parseJson(part.text, MAX_RECORD_BYTES);
    } catch (err) {
      yield reject(at, describeError(err));
      continue;
    }
    if (part.container !== 'records') yield* intake(value, at, 1);
    else if (options.unwatched && isUnwatchedCloudTrailRecord(value, options.unwatched.watched))
      options.unwatched.count();
    else yield* intakeRecord(value, at);
  }
}

function* intakeText(text: string, where: string): Generator<IntakeResult> {
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (err) {
    yield reject(where, describeError(err));
    return;
  }
  yield* intake(doc, where);
}

/**
 * Reads a stream as NDJSON when its first line is a JSON value, otherwise as one JSON
 * document (streamed record by record). `linesOnly` forces NDJSON (for .ndjson/.jsonl files).
 */
async function* readStream(stream: Readable, where: string, linesOnly = false): AsyncGenerator<IntakeResult> {
  // Decode first, so a trailing incomplete UTF-8 sequence becomes U+FFFD and is rejected, not
  // dropped (found by the fuzz tests); lines end at LF only (see splitLines).
  stream.setEncoding('utf8');
  const lines = splitLines(stream as AsyncIterable<string>);
  let splitter: JsonDocumentSplitter | undefined;
  let mode: 'unknown' | 'lines' | 'document' = linesOnly ? 'lines' : 'unknown';
  let index = 0;
  let blank = true;
  try {
    for await (const line of lines) {
      if (mode === 'document') {
        if (!splitter!.failed) yield* fromParts(splitter!.push(`${line}\n`), where);
        continue;
      }
      const trimmed = line.replace(/^\uFEFF/, '').trim();
      if (trimmed.length === 0) continue;
      blank = false;
      if (mode === 'unknown') mode = isCompleteJson(trimmed) ? 'lines' : 'document';
      if (mode === 'document') {
        splitter = new JsonDocumentSplitter({ maxRecord: MAX_RECORD_BYTES });
        yield* fromParts(splitter.push(`${line}\n`), where);
        continue;
      }
      yield* intakeLine(trimmed, `${where}:${index++}`);
    }
  } catch (err) {
    yield reject(where, `cannot read: ${describeError(err)}`);
    return;
  }
  if (splitter) yield* fromParts(splitter.end(), where);
  // An empty .ndjson file is refused like an empty .json file, not read as "no events" (stdin may be empty).
  else if (linesOnly && blank) yield reject(where, 'empty file: no event in it');
}

function* intakeLine(line: string, where: string): Generator<IntakeResult> {
  if (line.length > MAX_LINE_BYTES) {
    yield reject(where, `line too long (${line.length} bytes, limit ${MAX_LINE_BYTES})`);
    return;
  }
  let doc: unknown;
  try {
    doc = parseJson(line);
  } catch (err) {
    yield reject(where, describeError(err));
    return;
  }
  // A line is one event; an array or log file on one line still unwraps.
  yield* intake(doc, where);
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

/**
 * The records of one object read whole into memory (an S3 object, a test's buffer): gzip is
 * recognized by its magic bytes, NDJSON by the name (`.ndjson`, `.jsonl`) or its first line, like a
 * file on disk. `where` names it in every result (`s3://bucket/key[:record]`).
 * @example for (const r of readObjectBytes(body, 's3://archive/AWSLogs/.../x.json.gz')) ...
 */
export async function* readObjectBytes(bytes: Uint8Array, where: string): AsyncGenerator<IntakeResult> {
  let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = await gunzipAsync(data, { maxOutputLength: WHOLE_FILE_LIMITS.inflated });
    } catch (err) {
      yield reject(where, `cannot read: ${describeError(err)}`);
      return;
    }
  }
  const text = data.toString('utf8');
  if (LINE_FILE.test(where) || !isJsonDocumentStart(text)) {
    yield* readStream(Readable.from([text]), where, LINE_FILE.test(where));
    return;
  }
  yield* intakeWhole(text, where, {});
}

/**
 * The records of one object read as a stream (an S3 object too large to read whole): inflated
 * when it starts with the gzip magic bytes.
 */
export async function* readObjectStream(stream: Readable, where: string): AsyncGenerator<IntakeResult> {
  const [head, body] = await peek(stream, 2);
  let input: Readable = body;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    body.on('error', (err) => gunzip.destroy(err));
    input = body.pipe(gunzip);
  }
  if (LINE_FILE.test(where)) yield* readStream(input, where, true);
  else yield* readStream(input, where);
}

/** Whether a text is one JSON document (`{` or `[` first) rather than NDJSON lines. */
function isJsonDocumentStart(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  const nl = t.indexOf('\n');
  return nl < 0 || !isCompleteJson(t.slice(0, nl).trim());
}

/** The first `n` bytes of a stream, and a stream that still yields all of it. */
async function peek(stream: Readable, n: number): Promise<[Buffer, Readable]> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = stream[Symbol.asyncIterator]();
  while (size < n) {
    const next = await it.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    chunks.push(chunk);
    size += chunk.length;
  }
  const rest = (async function* () {
    yield* chunks;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value as Buffer;
  })();
  return [Buffer.concat(chunks), Readable.from(rest, { objectMode: false })];
}
