import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { EvidenceReport } from './types.js';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Readonly<Record<ReportFormat, (r: EvidenceReport) => string>> = {
  md: renderMarkdown,
  html: renderHtml,
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
};

/**
 * Renders the report in one of {@link REPORT_FORMATS}.
 * @example renderReport(report, 'json')
 */
export function renderReport(r: EvidenceReport, format: ReportFormat): string {
  return RENDERERS[format](r);
}
