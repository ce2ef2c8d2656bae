import type { Rejection } from '../shared/sources/index.js';
import { escapeControls, redactString, stringifyForTerminal } from '../shared/kernel/index.js';

/**
 * What the CLI prints of event-derived text goes through here: the kernel's one sanitizer
 * (`escapeControls`), JSON made terminal-safe, and rejection lines that are capped per input.
 */

/** Text from events, files or the store, on one line with every control escaped. */
export const safe = (text: string): string => escapeControls(text);

/** JSON for stdout: parses back to the same value, prints nothing a terminal interprets. */
export const safeJson = (value: unknown, indent?: number): string => stringifyForTerminal(value, indent);

/** Rejections printed per input (file, stdin, request body) before the rest is only counted. */
export const MAX_PRINTED_REJECTIONS = 20;

/** The input a rejection's `where` names: the file, without the record locators (`:12`, `:Records:3`). */
export function inputOf(where: string): string {
  let end = where.length;
  for (;;) {
    const colon = where.lastIndexOf(':', end - 1);
    if (colon < 0) break;
    const part = where.slice(colon + 1, end);
    if (part !== 'Records' && !/^\d+$/.test(part)) break;
    end = colon;
  }
  return where.slice(0, end);
}

/**
 * One line per rejection, escaped and redacted (reasons may quote a field of the event), at most
 * {@link MAX_PRINTED_REJECTIONS} per input; `flush` then prints one line per input saying how many
 * more there were. A 50 MB junk file printed 761,084 lines before.
 * @example const p = rejectionPrinter((l) => process.stderr.write(`${l}\n`)); p.print(r); p.flush();
 */
export function rejectionPrinter(
  write: (line: string) => void,
  prefix = '',
): { print: (r: Rejection) => void; flush: () => void } {
  const counts = new Map<string, number>();
  return {
    print: (r) => {
      const input = inputOf(r.where);
      const n = (counts.get(input) ?? 0) + 1;
      counts.set(input, n);
      if (n <= MAX_PRINTED_REJECTIONS) write(`${prefix}${safe(r.where)}: ${safe(redactString('', r.reason))}`);
    },
    flush: () => {
      for (const [input, n] of counts) {
        if (n > MAX_PRINTED_REJECTIONS)
          write(`${safe(input)}: ${n - MAX_PRINTED_REJECTIONS} more rejected records not printed (${n} in all)`);
      }
      counts.clear();
    },
  };
}
