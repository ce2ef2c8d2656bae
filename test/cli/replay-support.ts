import { FIXTURE_CONFIG, FIXTURE_POLICIES, FIXTURES } from '../shared/ingest/ingest-fixture.js';
import { join } from 'node:path';

/** The fixture events of the ingest tests (all valid: bad-shape.json lives beside them, see below). */
export const FIXTURE_EVENTS = join(FIXTURES, 'events');

/** `--config`, `--policy` and `--data-dir` for the fixture pack and a scratch data folder. */
export function fixtureArgs(dataDir: string): string[] {
  return ['--config', FIXTURE_CONFIG, '--policy', FIXTURE_POLICIES, '--data-dir', dataDir];
}

/** The valid fixture event files (the folder also holds bad-shape.json, which is rejected). */
export function validEventFiles(): string[] {
  return [
    'ct-versioning-suspended.json',
    'ct-versioning-enabled.json',
    'ct-versioning-suspended-again.json',
    'ct-versioning-other-bucket.json',
    'ct-versioning-out-of-scope.json',
    'ct-training-open.json',
    'ct-training-isolated.json',
    'ct-unrelated.json',
    'cfg-bucket-unversioned.json',
    'cfg-bucket-versioned.json',
    'gd-exfiltration.json',
    'gd-exfiltration-low.json',
    'sc-training-open.json',
    'sc-training-isolated.json',
  ].map((f) => join(FIXTURE_EVENTS, f));
}
