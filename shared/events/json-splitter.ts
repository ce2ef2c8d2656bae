/**
 * Splits one JSON document, fed in text chunks, into the records it carries, so that
 * a file of a million records is never held at once: the elements of a top-level
 * array, or of the `Records` array of a CloudTrail log file / SNS / SQS delivery, come
 * out one by one as their text completes. Any other document (a single event) is
 * buffered whole, up to a size cap, and parsed by the caller as before.
 *
 * It only tracks strings and brackets; each record's text is then parsed with
 * `JSON.parse`, so a malformed record is rejected on its own and its neighbours still count.
 */

/**
 * What the splitter hands back. `index` is the 0-based position of the record in its array;
 * `key` is the top-level key of a streamed array (`Records`, `configurationItems`), absent for a
 * top-level array.
 */
export type SplitPart =
  | { kind: 'document'; text: string }
  | { kind: 'item'; container: 'array' | 'records'; key?: string; index: number; text: string }
  | { kind: 'error'; index?: number; reason: string };

/** The text before a streamed array kept as the document's header (`{"fileVersion": ..., "configSnapshotId": ...`). */
const MAX_HEADER = 64 * 1024;

export interface SplitterLimits {
  /** Largest single record (characters). */
  maxRecord: number;
  /** Largest document that is not streamed (characters). */
  maxDocument: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const BOM = 0xfeff;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A piece of text that may span chunks, with a size cap. */
class Capture {
  public active = false;
  public tooLarge = false;
  private parts: string[] = [];
  private length = 0;
  private start = 0;

  public constructor(public readonly max: number) {}

  public begin(at: number): void {
    this.active = true;
    this.tooLarge = false;
    this.parts = [];
    this.length = 0;
    this.start = at;
  }

  /** Keeps the rest of a chunk that ends while capturing. */
  public carry(chunk: string): void {
    if (!this.active) return;
    this.add(chunk.slice(this.start));
    this.start = 0;
  }

  /** Ends the capture before `end` (exclusive) and returns the text ('' when too large). */
  public finish(chunk: string, end: number): string {
    this.add(chunk.slice(this.start, end));
    this.active = false;
    const text = this.parts.join('');
    this.parts = [];
    return text;
  }

  public get size(): number {
    return this.length;
  }

  /** Drops what was captured (the document turned out to be streamed). */
  public cancel(): void {
    this.active = false;
    this.parts = [];
  }

  private add(s: string): void {
    this.length += s.length;
    if (this.tooLarge) return;
    if (this.length > this.max) {
      this.tooLarge = true;
      this.parts = [];
      return;
    }
    this.parts.push(s);
  }
}

type Mode = 'start' | 'buffer' | 'stream' | 'after' | 'failed';

/**
 * Push-based splitter of one JSON document.
 * @example
 * const s = new JsonDocumentSplitter();
 * s.push('{"Records":[{"a":1},'); // [{ kind: 'item', container: 'records', index: 0, text: '{"a":1}' }]
 * s.push('{"a":2}]}'); s.end();   // the second record, then nothing
 */
export class JsonDocumentSplitter {
  private mode: Mode = 'start';
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private offset = 0;
  private readonly doc: Capture;
  private readonly element: Capture;
  private readonly key = new Capture(256);
  // Top-level object: which key we are in, to find `"Records": [`.
  private expectKey = false;
  private lastKey: string | undefined;
  private afterColon = false;
  // Streaming an array: at which depth its elements sit, and where we are.
  private container: 'array' | 'records' = 'array';
  private streamKey: string | undefined;
  private headerText: string | undefined;
  private streamDepth = 0;
  private streamDone = false;
  private index = 0;
  private afterComma = false;
  private out: SplitPart[] = [];

  /**
   * @param streamKeys the top-level keys whose arrays are streamed (default `Records`; the reader
   *   passes the registry's `STREAMED_KEYS`, which adds `configurationItems`).
   */
  public constructor(
    limits: Partial<SplitterLimits> = {},
    private readonly streamKeys: readonly string[] = ['Records'],
  ) {
    this.doc = new Capture(limits.maxDocument ?? 512 * 1024 * 1024);
    this.element = new Capture(limits.maxRecord ?? 64 * 1024 * 1024);
  }

  /**
   * The top-level fields before the streamed array (`{"fileVersion": "1.0", "configSnapshotId": "…"}`),
   * once the array has started; `{}` when there were none, they are not JSON or longer than 64 KiB.
   */
  public get header(): Record<string, unknown> {
    if (!this.headerText) return {};
    try {
      const value: unknown = JSON.parse(`${this.headerText}[]}`);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
      const { [this.streamKey ?? '']: _array, ...rest } = value as Record<string, unknown>;
      return rest;
    } catch {
      return {};
    }
  }

  /** True after a structural error: the rest of the input is ignored. */
  public get failed(): boolean {
    return this.mode === 'failed';
  }

  /** Feeds a chunk; returns the parts it completed. */
  public push(chunk: string): SplitPart[] {
    this.out = [];
    if (this.mode === 'failed') return this.out;
    for (let i = 0; i < chunk.length && !this.failed; i++) this.step(chunk, i, chunk.charCodeAt(i));
    this.offset += chunk.length;
    this.doc.carry(chunk);
    this.element.carry(chunk);
    this.key.carry(chunk);
    return this.out;
  }

  /** Ends the input; returns what remains (the buffered document, or an error). */
  public end(): SplitPart[] {
    this.out = [];
    if (this.mode === 'failed') return this.out;
    if (this.mode === 'start') this.fail('invalid JSON: empty document');
    else if (this.mode === 'buffer') this.flushDocument();
    else if (this.inString || this.stack.length > 0)
      this.fail(`invalid JSON: unexpected end of document (${this.stack.length} unclosed brackets)`);
    return this.out;
  }

  private step(chunk: string, i: number, c: number): void {
    if (this.inString) {
      this.stringChar(chunk, i, c);
      return;
    }
    if (this.mode === 'start') {
      if (isSpace(c) || c === BOM) return;
      if (c === OPEN_ARRAY) {
        this.startStream('array', 1);
        this.stack.push(c);
        return;
      }
      this.mode = 'buffer';
      this.doc.begin(i);
    }
    if (this.mode === 'after') {
      if (!isSpace(c))
        this.fail(
          `invalid JSON: unexpected content after the document at character ${this.offset + i} (one document per .json file; use .ndjson for several)`,
        );
      return;
    }
    if (isSpace(c)) return;
    const atElementLevel = this.mode === 'stream' && !this.streamDone && this.stack.length === this.streamDepth;
    if (atElementLevel && c !== COMMA && c !== CLOSE_ARRAY && !this.element.active) this.element.begin(i);
    this.structural(chunk, i, c, atElementLevel);
  }

  private structural(chunk: string, i: number, c: number, atElementLevel: boolean): void {
    const topObject = this.stack.length === 1 && this.stack[0] === OPEN_OBJECT;
    if (c === QUOTE) {
      this.inString = true;
      if ((this.mode === 'buffer' || this.mode === 'stream') && topObject && this.expectKey) this.key.begin(i + 1);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (
        c === OPEN_ARRAY &&
        this.mode === 'buffer' &&
        topObject &&
        this.afterColon &&
        this.lastKey !== undefined &&
        this.streamKeys.includes(this.lastKey)
      ) {
        const head = this.doc.finish(chunk, i);
        this.headerText = this.doc.tooLarge || head.length > MAX_HEADER ? undefined : head;
        this.streamKey = this.lastKey;
        this.startStream('records', 2);
      }
      this.stack.push(c);
      if (this.stack.length === 1 && c === OPEN_OBJECT) this.expectKey = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      this.close(chunk, i, c, atElementLevel);
    } else if (c === COMMA) {
      if (atElementLevel) {
        this.emitElement(chunk, i);
        this.afterComma = true;
      }
      if (topObject) {
        this.expectKey = true;
        this.lastKey = undefined;
      }
    } else if (c === COLON && topObject) {
      // Only the colon right after a key counts, and a string value ends it: otherwise a
      // malformed `{"Records": "x": [...]}` streamed the wrong array and yielded nothing
      // at all, not even a rejection (found by the fuzz tests).
      this.afterColon = this.expectKey;
      this.expectKey = false;
      return;
    }
    if (topObject) this.afterColon = this.afterColon && c === COLON;
  }

  private close(chunk: string, i: number, c: number, atElementLevel: boolean): void {
    const open = this.stack.pop();
    if (open === undefined || (c === CLOSE_OBJECT) !== (open === OPEN_OBJECT)) {
      this.fail(`invalid JSON: unexpected "${String.fromCharCode(c)}" at character ${this.offset + i}`);
      return;
    }
    if (atElementLevel) {
      // The streamed array itself closes: its last element ends here.
      if (this.element.active || this.afterComma) this.emitElement(chunk, i);
      this.streamDone = true;
    }
    if (this.stack.length === 0 && this.mode === 'stream') this.mode = 'after';
  }

  private stringChar(chunk: string, i: number, c: number): void {
    if (this.escaped) this.escaped = false;
    else if (c === BACKSLASH) this.escaped = true;
    else if (c === QUOTE) {
      this.inString = false;
      if (!this.key.active) return;
      this.lastKey = this.key.finish(chunk, i);
      // JSON.parse keeps the last of duplicate keys, this splitter streamed the first: a
      // second `Records` list would go unread without a word (found by the fuzz tests).
      if (this.mode === 'stream' && this.lastKey === this.streamKey)
        this.fail(`invalid JSON: duplicate "${this.streamKey}" key`);
    }
  }

  private startStream(container: 'array' | 'records', depth: number): void {
    this.mode = 'stream';
    this.container = container;
    this.streamDepth = depth;
    this.streamDone = false;
    this.index = 0;
    this.afterComma = false;
  }

  private emitElement(chunk: string, end: number): void {
    const index = this.index++;
    this.afterComma = false;
    if (!this.element.active) {
      this.out.push({ kind: 'error', index, reason: 'invalid JSON: empty array element' });
      return;
    }
    const text = this.element.finish(chunk, end);
    if (this.element.tooLarge)
      this.out.push({
        kind: 'error',
        index,
        reason: `record too large (${this.element.size} characters, limit ${this.element.max})`,
      });
    else if (this.container === 'records' && this.streamKey !== undefined)
      this.out.push({ kind: 'item', container: 'records', key: this.streamKey, index, text: text.trimEnd() });
    else this.out.push({ kind: 'item', container: this.container, index, text: text.trimEnd() });
  }

  private flushDocument(): void {
    const text = this.doc.finish('', 0);
    if (this.doc.tooLarge)
      this.fail(
        `document too large (${this.doc.size} characters, limit ${this.doc.max}); split it, or use NDJSON or a {"Records":[...]} file, which are streamed`,
      );
    else this.out.push({ kind: 'document', text });
  }

  private fail(reason: string): void {
    this.mode = 'failed';
    this.out.push({ kind: 'error', reason });
  }
}
