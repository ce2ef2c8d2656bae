#!/usr/bin/env node
// Runs the CLI as built into dist/ (JavaScript: `npm ci` and `npm pack` build it through the
// `prepare` script). In a checkout with the TypeScript sources, a dist/ older than its sources is
// rebuilt first, so `npx tpguard` never runs stale code; an installed package has no sources.
import { existsSync } from 'node:fs';
import module from 'node:module';

// V8's code cache on disk (Node >= 22.1; under the OS temporary folder): later runs skip compiling
// the bundle, a third of the start-up of `tpguard scan` (`npm run bench -- --only scan`).
module.enableCompileCache?.();

// A reader that stops early (`tpguard scan ... | head`) ends the output, not with a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const root = new URL('../', import.meta.url);
if (existsSync(new URL('scripts/build-cli.ts', root))) {
  const { ensureBuilt } = await import('./dev-build.mjs');
  ensureBuilt(root);
}
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv);
