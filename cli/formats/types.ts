import type { ConfigurationNote, PolicyPack } from '../../shared/policy/index.js';
import type { Rejection } from '../../shared/sources/index.js';
import type { ScanFilter } from '../scan-filter.js';
import type { ScanRow } from '../scan-rows.js';

/** The counts every format of `tpguard scan` ends with. */
export interface ScanSummary {
  packVersion: string;
  rules: number;
  events: number;
  rejected: number;
  /** Violations reported (after the filters). */
  violations: number;
  /** Violations the filters (`--severity`, `--account`, `--region`, `--rule`) left out; only when filtering. */
  filteredOut?: number;
  /** One note per `approved` list the pack needs and the configuration leaves empty. */
  notConfigured: readonly ConfigurationNote[];
}

/** Everything a whole-document format (table, json, sarif, junit) renders. */
export interface ScanReport {
  rows: readonly ScanRow[];
  rejected: readonly Rejection[];
  summary: ScanSummary;
  pack: PolicyPack;
  filter: ScanFilter;
  /** The tpguard version (SARIF tool driver). */
  version: string;
}
