export { buildEvidence } from './evidence.js';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './render.js';
export { type EvidenceReport, type ReportOrigin } from './types.js';
