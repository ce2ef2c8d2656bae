export { buildEvidence, lastBaselines } from './evidence.js';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './render.js';
export { type BaselineEvidence, type BaselineRunFact, type EvidenceReport, type ReportOrigin } from './types.js';
