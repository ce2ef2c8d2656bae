import { safe } from './terminal.js';

/** Styles a padded cell of a body row (colour): `row` counts body rows from 0. */
export type CellStyle = (cell: string, row: number, column: number) => string;

/**
 * Plain text tables for terminals: columns padded, long cells cut with an ellipsis. Cells come
 * from events (job names, tags): each is escaped first, so ESC or a newline stays text in its cell.
 * `style`, when given, wraps each padded body cell (escape codes are added after padding, so
 * columns stay aligned).
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth = 60,
  style?: CellStyle,
): string {
  const cut = (raw: string) => {
    const s = safe(raw);
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  };
  const cells = [headers, ...rows].map((r) => r.map((c) => cut(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[], row = -1) =>
    r
      .map((c, i) => {
        const padded = i === r.length - 1 ? c : c.padEnd(widths[i]!);
        return style && row >= 0 ? style(padded, row, i) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map((r, i) => line(r, i))].join(
    '\n',
  );
}
