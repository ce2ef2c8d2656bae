import { escapeXml } from './escape.js';
import type { BreakdownRow, TimelineBucket } from './types.js';

/** Series colours (print-safe, distinguishable in greyscale by pattern of position). */
export const COLORS = {
  opened: '#c2410c',
  resolved: '#15803d',
  openNow: '#1d4ed8',
  grid: '#d4d4d8',
  text: '#27272a',
} as const;

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const pow = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * pow).find((m) => m >= n) ?? n;
}

function legend(x: number, y: number, items: [string, string][]): string {
  return items
    .map(
      ([label, color], i) =>
        `<rect x="${x + i * 130}" y="${y}" width="12" height="12" fill="${color}"/><text x="${x + i * 130 + 18}" y="${y + 11}">${escapeXml(label)}</text>`,
    )
    .join('');
}

/** `2027-01-01` for a one-day bucket, `2027-01-01 .. 2027-01-07` for a longer one. */
const span = (b: TimelineBucket) => (b.label === b.endLabel ? b.label : `${b.label} .. ${b.endLabel}`);

function yAxis(left: number, top: number, h: number, w: number, max: number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = top + h - f * h;
    return `<line x1="${left}" x2="${left + w}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${Math.round(f * max)}</text>`;
  });
  return ticks.join('');
}

/**
 * Grouped bars of drift opened and resolved per bucket, as an inline SVG element.
 * @example timelineChart(report.charts.timeline).startsWith('<svg') // true
 */
export function timelineChart(
  buckets: readonly TimelineBucket[],
  title = 'Drift opened and resolved over time',
): string {
  const W = 760,
    H = 280,
    left = 44,
    top = 40,
    right = 12,
    bottom = 56;
  const w = W - left - right,
    h = H - top - bottom;
  const max = niceMax(Math.max(1, ...buckets.map((b) => Math.max(b.opened, b.resolved))));
  const slot = w / Math.max(1, buckets.length);
  const bar = Math.max(1, Math.min(18, slot / 2 - 1));
  const every = Math.max(1, Math.ceil(buckets.length / 10));
  const bars = buckets
    .map((b, i) => {
      const x = left + i * slot + slot / 2;
      const ho = (b.opened / max) * h,
        hr = (b.resolved / max) * h;
      const label =
        i % every === 0
          ? `<text x="${x}" y="${top + h + 16}" text-anchor="middle">${escapeXml(b.label.slice(5))}</text>`
          : '';
      return (
        `<rect x="${x - bar}" y="${top + h - ho}" width="${bar}" height="${ho}" fill="${COLORS.opened}"><title>${escapeXml(`${span(b)}: ${b.opened} opened`)}</title></rect>` +
        `<rect x="${x}" y="${top + h - hr}" width="${bar}" height="${hr}" fill="${COLORS.resolved}"><title>${escapeXml(`${span(b)}: ${b.resolved} resolved`)}</title></rect>${label}`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="11" fill="${COLORS.text}">` +
    `<text x="${left}" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>${legend(left + 330, 8, [
      ['opened / reopened', COLORS.opened],
      ['resolved', COLORS.resolved],
    ])}` +
    `${yAxis(left, top, h, w, max)}${bars}<text x="${left + w / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(buckets.length ? `${buckets[0]!.label} .. ${buckets[buckets.length - 1]!.endLabel}` : 'no data')}</text></svg>`
  );
}

/**
 * Horizontal bars per row: drift opened in the period and open now.
 * @example breakdownChart('By severity', report.charts.bySeverity)
 */
export function breakdownChart(title: string, rows: readonly BreakdownRow[]): string {
  const rowH = 26,
    left = 110,
    top = 40,
    W = 370;
  const H = top + Math.max(1, rows.length) * rowH + 12;
  const w = W - left - 40;
  const max = niceMax(Math.max(1, ...rows.map((r) => Math.max(r.opened, r.openNow))));
  const body = rows
    .map((r, i) => {
      const y = top + i * rowH;
      const wo = (r.opened / max) * w,
        wn = (r.openNow / max) * w;
      return (
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeXml(r.key)}</text>` +
        `<rect x="${left}" y="${y + 2}" width="${wo}" height="10" fill="${COLORS.opened}"><title>${escapeXml(`${r.key}: ${r.opened} opened`)}</title></rect><text x="${left + wo + 4}" y="${y + 11}">${r.opened}</text>` +
        `<rect x="${left}" y="${y + 13}" width="${wn}" height="10" fill="${COLORS.openNow}"><title>${escapeXml(`${r.key}: ${r.openNow} open now`)}</title></rect><text x="${left + wn + 4}" y="${y + 22}">${r.openNow}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="11" fill="${COLORS.text}">` +
    `<text x="8" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>${legend(120, 8, [
      ['opened', COLORS.opened],
      ['open now', COLORS.openNow],
    ])}${body}</svg>`
  );
}
