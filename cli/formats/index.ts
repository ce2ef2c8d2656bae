export { csvCell, csvHeader, csvLine, CSV_COLUMNS } from './csv.js';
export { renderJunit, xmlText } from './junit.js';
export { renderSarif } from './sarif.js';
export { renderScanTable } from './table.js';
export type { ScanReport, ScanSummary } from './types.js';
