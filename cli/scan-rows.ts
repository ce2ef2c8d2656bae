/**
 * One line of `--format ndjson`, one (event, rule, resource) verdict: the backfill's row, so that
 * `scan` and a backfill write the same fields in the same order.
 */
export { type VerdictRow as ScanRow, verdictRow as toRow } from '../shared/backfill/index.js';
