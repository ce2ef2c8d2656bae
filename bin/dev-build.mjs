// Development checkouts only (not in the published package): rebuilds dist/ when a source of the
// CLI is newer than the last build, with `npm run build:cli`'s script. Costs a few milliseconds of
// stat calls when dist/ is current.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the CLI bundle is built from. */
const SOURCES = ['cli', 'shared', 'scripts/build-cli.ts', 'scripts/build-bundle.ts', 'package.json'];

function newest(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

/** @param {URL} rootUrl the checkout */
export function ensureBuilt(rootUrl) {
  const root = fileURLToPath(rootUrl);
  const built = statSync(join(root, 'dist', '.built'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (SOURCES.every((s) => newest(join(root, s)) <= built)) return;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-cli.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) {
    process.stderr.write('tpguard: building the CLI failed (npm run build:cli)\n');
    process.exit(2);
  }
}
