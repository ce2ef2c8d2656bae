/**
 * Vitest global setup: builds dist/ once before the suite, so the tests that spawn the CLI
 * (bin/tpguard.mjs, as users run it) run the sources under test, never an older build.
 */
import { buildCliAll } from '../../scripts/build-cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

export default async function setup(): Promise<void> {
  await buildCliAll(REPO_ROOT);
}
