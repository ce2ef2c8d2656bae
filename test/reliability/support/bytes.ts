import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { parseJson } from '../../../shared/kernel/index.js';
import { owedResults } from './invariants.js';

/** Byte sequences that are not UTF-8: lone continuation, overlong, surrogate, past U+10FFFF, truncated. */
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xef, 0xbb, 0xbf],
];

/** Text that changes structure: line breaks, brackets, quotes, a BOM, a pollution attempt. */
const TEXT_SNIPPETS = [
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\uFEFF',
  '\u0000',
  ',',
  ']',
  '}',
  '{',
  '[',
  '"',
  '\\',
  '"__proto__":{"polluted":"yes"},',
  '"Records":',
  ' ',
  '\n\n\n',
];

export type ByteEdit =
  | { op: 'invalidUtf8'; at: number; seq: number[] }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number }
  | { op: 'text'; at: number; text: string };

export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('invalidUtf8' as const), at: fc.nat(), seq: fc.constantFrom(...INVALID_UTF8) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('text' as const), at: fc.nat(), text: fc.constantFrom(...TEXT_SNIPPETS) }),
);

/**
 * Applies byte edits to a copy of `bytes`; positions are taken modulo the length.
 * @example applyByteEdits(Buffer.from('{}'), [{ op: 'invalidUtf8', at: 1, seq: [0xff] }])
 */
export function applyByteEdits(bytes: Buffer, edits: readonly ByteEdit[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    const at = e.at % (b.length + 1);
    if (e.op === 'invalidUtf8') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.seq), b.subarray(at)]);
    else if (e.op === 'text') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text, 'utf8'), b.subarray(at)]);
    else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    else if (e.op === 'truncate') b = b.subarray(0, at);
    else if (at < b.length) b[at] ^= e.xor;
  }
  return b;
}

/** What the reader owes for a file: an exact count when the content is well-formed, else a minimum. */
export interface Owed {
  exact?: number;
  min: number;
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function owedForLine(line: string): number {
  try {
    return owedResults(parseJson(line));
  } catch {
    return 1;
  }
}

/** NDJSON lines end at LF (or CRLF): a lone CR, U+2028 and U+2029 stay inside their line. */
const LINE_END = /\r?\n/;

/** NDJSON: every non-blank line is one JSON value (or one rejection). */
export function owedForLines(text: string): Owed {
  const lines = text
    .split(LINE_END)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return { exact: lines.reduce((n, l) => n + owedForLine(l), 0), min: 0 };
}

/** One JSON document: exactly what its shape owes; not JSON: at least one rejection (none for a blank file). */
export function owedForDocument(text: string): Owed {
  try {
    return { exact: owedResults(parseJson(text)), min: 0 };
  } catch {
    return { min: text.trim().length === 0 ? 0 : 1 };
  }
}

/**
 * What reading `bytes` as the file `name` owes: gzip is inflated by its magic bytes,
 * `.ndjson`/`.jsonl` are read line by line, anything else as one document.
 */
export function owedForFile(bytes: Buffer, name: string): Owed {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes);
    } catch {
      return { min: 1 }; // corrupted archive: at least one rejection naming the file
    }
  }
  const text = data.toString('utf8');
  if (!/\.(ndjson|jsonl)(\.gz)?$/i.test(name)) return owedForDocument(text);
  const owed = owedForLines(text);
  // An NDJSON file without a non-blank line is refused as empty, like an empty JSON file (stdin is not).
  return text.split(LINE_END).every((l) => l.trim().length === 0) ? { exact: 1, min: 1 } : owed;
}

/** Standard input: NDJSON when the first non-blank line is a whole JSON value, else one document. */
export function owedForStdin(text: string): Owed {
  const first = text
    .split(LINE_END)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (first && (first.startsWith('{') || first.startsWith('['))) {
    try {
      JSON.parse(first);
      return owedForLines(text);
    } catch {
      // not a complete line: a pretty-printed document
    }
  }
  return owedForDocument(text);
}
