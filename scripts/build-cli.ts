/**
 * `npm run build:cli` (run by `npm ci` and `npm pack` through `prepare`): the CLI as JavaScript,
 * bundled by the same esbuild options as the functions, so that `tpguard` starts without compiling
 * TypeScript.
 *
 *   dist/main.js          the command tree; each command is its own chunk, loaded on demand
 *   dist/scan-worker.js   a worker thread of `tpguard scan`
 *   dist/*-<hash>.js      shared chunks
 *   dist/pack.snapshot.json  the validated pack shipped in policies/, used while the rule files
 *                         still hash to its version (the YAML parser is most of the start-up)
 *
 * Every output sits directly in dist/, so `import.meta.url` of any chunk resolves the package
 * root as `..`, as it does for cli/*.ts (cli/context.ts: PACKAGE_ROOT).
 */
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describeError } from '../shared/kernel/index.js';
import { loadPolicyPack, PACK_SNAPSHOT_FILE, PolicyPackError, snapshotOf } from '../shared/policy/index.js';
import { ESBUILD_OPTIONS } from './build-bundle.js';

export const CLI_DIST = 'dist';

/** The CLI's entry points: `dist/<name>.js`. */
export const CLI_ENTRIES = { main: 'cli/main.ts', 'scan-worker': 'cli/scan-worker.ts' } as const;

/**
 * Packages loaded from node_modules at run time: the AWS SDK, the embedded DynamoDB (a native
 * addon) and mail, which only the monitor commands load. The small pure-JavaScript libraries every
 * command needs (commander, yaml, zod, CEL, croner) are bundled: resolving and compiling their
 * hundreds of files was most of the start-up (`npm run bench -- --only scan`).
 */
export const CLI_EXTERNAL = ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*', 'dynalite', 'nodemailer'] as const;

/**
 * The CLI runs on whatever Node the user has, so it targets the oldest line `engines` accepts
 * (package.json: `>=22`), not the functions' Lambda runtime (node24); a test keeps the two equal.
 */
export const CLI_TARGET = 'node22';

/**
 * Data files the bundled code reads beside itself (`new URL('./x', import.meta.url)`): every chunk
 * sits in dist/, so each is copied there. The AWS API models extract is read by `rules validate`.
 */
export const CLI_DATA_FILES = ['shared/policy/models/aws-models.json'] as const;

/** Written last: its presence says the build completed (bin/tpguard.mjs compares source times against it). */
export const CLI_STAMP = '.built';

/**
 * Bundles the CLI into `outDir` (default `<root>/dist`): ES modules with code splitting, the
 * heavy packages left as imports of the package's runtime dependencies ({@link CLI_EXTERNAL}).
 * Files are written under temporary names and renamed, so a CLI started meanwhile reads whole files.
 * @example await buildCli('.')
 */
export async function buildCli(root: string, outDir = join(root, CLI_DIST)): Promise<string[]> {
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    target: CLI_TARGET,
    absWorkingDir: resolve(root),
    entryPoints: CLI_ENTRIES,
    outdir: outDir,
    splitting: true,
    chunkNames: '[name]-[hash]',
    external: [...CLI_EXTERNAL],
    write: false,
  });
  await mkdir(outDir, { recursive: true });
  const written = new Set<string>();
  for (const out of result.outputFiles) {
    const tmp = `${out.path}.${process.pid}.tmp`;
    await writeFile(tmp, out.contents);
    await rename(tmp, out.path);
    written.add(basename(out.path));
  }
  for (const f of CLI_DATA_FILES) {
    const tmp = join(outDir, `${basename(f)}.${process.pid}.tmp`);
    await copyFile(join(root, f), tmp);
    await rename(tmp, join(outDir, basename(f)));
    written.add(basename(f));
  }
  // Chunks of an earlier build are dropped, so dist/ (and the published tarball) holds this build only.
  for (const f of await readdir(outDir))
    if (!written.has(f) && f !== CLI_STAMP && f !== PACK_SNAPSHOT_FILE)
      await rm(join(outDir, f), { force: true, recursive: true });
  return [...written].sort();
}

/**
 * Writes `<outDir>/pack.snapshot.json`, the validated pack that `loadPolicyPack` uses instead of
 * parsing the YAML while the rule files still hash to its version.
 */
export async function writePackSnapshot(policyDir: string, outDir: string): Promise<string> {
  const pack = await loadPolicyPack(policyDir);
  await writeFile(join(outDir, PACK_SNAPSHOT_FILE), JSON.stringify(snapshotOf(pack)));
  return pack.version;
}

/**
 * The whole of `npm run build:cli`: the bundle, the pack snapshot, then the stamp.
 * @example await buildCliAll('.')
 */
export async function buildCliAll(root: string): Promise<{ files: string[]; version: string }> {
  const files = await buildCli(root);
  const version = await writePackSnapshot(join(root, 'policies'), join(root, CLI_DIST));
  await writeFile(join(root, CLI_DIST, CLI_STAMP), `${new Date().toISOString()}\n`);
  return { files, version };
}

async function main(): Promise<number> {
  try {
    const { files, version } = await buildCliAll(resolve('.'));
    process.stdout.write(`build:cli: ${files.length} files in ${CLI_DIST}/, pack ${version} snapshot\n`);
    return 0;
  } catch (err) {
    if (process.env.TPGUARD_DEBUG) console.error(err);
    process.stderr.write(`build:cli: ${err instanceof PolicyPackError ? err.message : describeError(err)}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
