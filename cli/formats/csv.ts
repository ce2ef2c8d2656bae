import type { ScanRow } from '../scan-rows.js';

/**
 * `tpguard scan --format csv`: one row per reported verdict, for spreadsheets (RFC 4180: comma,
 * CRLF, quotes doubled). Event fields are attacker-controlled (a job, bucket or role name, a
 * session name in an ARN), and a cell a spreadsheet reads as a formula runs when the file is
 * opened (CSV injection, OWASP): a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'`, so it is shown as text. Other control characters are written as `\\xNN`.
 */

/** The columns, in order: the fields of `--format ndjson`. */
export const CSV_COLUMNS = [
  'severity',
  'ruleId',
  'title',
  'verdict',
  'resourceType',
  'resourceId',
  'account',
  'region',
  'eventName',
  'eventTime',
  'eventId',
  'source',
  'actor',
  'where',
  'reason',
] as const satisfies readonly (keyof ScanRow)[];

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Control characters but tab, LF and CR (and DEL) as `\xNN` text: they mean nothing in a cell and a lot to a terminal. */
function escapeControls(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
    out += control ? `\\x${c.toString(16).padStart(2, '0')}` : text[i];
  }
  return out;
}

/**
 * One cell: neutralized when a spreadsheet would read it as a formula, quoted when it holds a
 * comma, a quote or a line break.
 * @example csvCell('=HYPERLINK("http://x")') // '"\'=HYPERLINK(""http://x"")"'
 */
export function csvCell(value: string | undefined): string {
  let text = escapeControls(value ?? '');
  if (text.length > 0 && FORMULA_START.has(text[0]!)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line. */
export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

/** One line of a row. */
export function csvLine(row: ScanRow): string {
  return `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
}
