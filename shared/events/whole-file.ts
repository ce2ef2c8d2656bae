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

const RECORDS_KEY = /"Records"\s*:/g;

/**
 * True when `"Records":` occurs twice: JSON.parse would keep only the last list, so the
 * splitter (which rejects a duplicate top-level key) reads such a file instead. A nested
 * `Records` key also sends a file to the splitter: slower, never wrong.
 */
export function mayRepeatRecordsKey(text: string): boolean {
  RECORDS_KEY.lastIndex = 0;
  return RECORDS_KEY.test(text) && RECORDS_KEY.test(text);
}
