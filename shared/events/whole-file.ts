import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/**
 * The fast path of the reader. CloudTrail writes log files of a few MB: reading such a
 * file whole (one gunzip, one JSON.parse) costs a third of streaming it through the
 * record splitter (measured by `npm run bench`). Larger files are still streamed, so
 * memory stays bounded by these sizes.
 */
export const WHOLE_FILE_LIMITS = { onDisk: 32 * 1024 * 1024, inflated: 256 * 1024 * 1024 } as const;

/**
 * The text of a small file (inflated when it starts with the gzip magic bytes), or
 * undefined when it should be streamed instead: too large, unreadable or a damaged
 * archive, whose readable part and error the streaming path reports.
 * @example const text = await readWholeFile('trail.json.gz')
 */
export async function readWholeFile(
  file: string,
  maxOnDisk: number = WHOLE_FILE_LIMITS.onDisk,
): Promise<string | undefined> {
  try {
    if ((await stat(file)).size > maxOnDisk) return undefined;
    let bytes = await readFile(file);
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
      bytes = await gunzipAsync(bytes, { maxOutputLength: WHOLE_FILE_LIMITS.inflated });
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * One pass for both questions the reader asks of a file's text before `JSON.parse`: may it hold a
 * key that the parser must drop (kernel `parseJson`: `\u` escapes, `__proto__`, `constructor`,
 * `prototype`; keep in step), and how many `"Records":` keys does it have (stops counting at 2).
 * Two regular-expression passes over every file cost ~10 % of the parse (`npm run bench`).
 */
const KEYS = /\\u|"(?:__proto__|constructor|prototype)"|"Records"\s*:/g;

/** @example scanKeys('{"Records":[]}') // { mayHoldForbiddenKey: false, recordsKeys: 1 } */
export function scanKeys(text: string): { mayHoldForbiddenKey: boolean; recordsKeys: number } {
  let mayHoldForbiddenKey = false;
  let recordsKeys = 0;
  KEYS.lastIndex = 0;
  for (let m = KEYS.exec(text); m !== null; m = KEYS.exec(text)) {
    if (m[0].charCodeAt(1) === 0x52 /* R */) recordsKeys++;
    else mayHoldForbiddenKey = true;
    if (mayHoldForbiddenKey && recordsKeys > 1) break;
  }
  return { mayHoldForbiddenKey, recordsKeys };
}
