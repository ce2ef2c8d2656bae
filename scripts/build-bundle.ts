import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Metafile } from 'esbuild';
import type { DeployedFunction } from './build-functions.js';
import { createZip, type ZipEntry } from './build-zip.js';

/** What packaging one function produced. */
export interface BundleReport {
  key: string;
  file: string;
  /** Deployment package, relative to the project root (serverless.yml's `artifact`). */
  artifact: string;
  zipBytes: number;
  codeBytes: number;
  sourceMapBytes: number;
  /** `@aws-sdk/client-*` packages bundled (the AWS APIs the function can call). */
  awsClients: string[];
  /** Project source files that contributed code to the bundle. */
  sources: string[];
}

/** Options every function is bundled with (exported for the packaging test). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  treeShaking: true,
  sourcemap: 'linked',
  sourcesContent: false,
  // Prefer the packages' ES module builds: they tree-shake (the AWS SDK ships both).
  mainFields: ['module', 'main'],
  // Nothing external: the AWS SDK v3 is bundled at the versions pinned in package.json
  // instead of whatever the Lambda runtime happens to ship.
  external: [] as string[],
  legalComments: 'external',
  charset: 'utf8',
  // CommonJS dependencies bundled into an ES module still call require() for node built-ins.
  banner: {
    js: "import{createRequire as __tpguardRequire}from'node:module';const require=__tpguardRequire(import.meta.url);",
  },
  logLevel: 'warning',
} as const;

/** Rule files of the pack, as the loader reads them: `<area>/<id>.yaml`. */
export async function packEntries(policyDir: string): Promise<ZipEntry[]> {
  const out: ZipEntry[] = [];
  for (const area of await readdir(policyDir, { withFileTypes: true })) {
    if (!area.isDirectory() || area.name.startsWith('.')) continue;
    for (const f of await readdir(join(policyDir, area.name))) {
      if (/\.ya?ml$/.test(f))
        out.push({ name: `policies/${area.name}/${f}`, data: await readFile(join(policyDir, area.name, f)) });
    }
  }
  return out;
}

function bundledInputs(metafile: Metafile): { awsClients: string[]; sources: string[] } {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([p]) => p.split(sep).join('/'));
  const clients = new Set<string>();
  for (const p of inputs) {
    const m = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(p);
    if (m) clients.add(m[1]!);
  }
  return { awsClients: [...clients].sort(), sources: inputs.filter((p) => !p.includes('node_modules/')).sort() };
}

/**
 * Bundles `functions/<file>.ts` into one minified ES module with its source map, and zips it
 * with the configuration file and the policy pack the handler loads at init.
 * @example await bundleFunction(fn, { root: '.', outDir: '.build', extra })
 */
export async function bundleFunction(
  fn: DeployedFunction,
  opts: { root: string; outDir: string; extra: ZipEntry[] },
): Promise<BundleReport> {
  const workDir = resolve(opts.root, opts.outDir, 'functions', fn.file);
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    absWorkingDir: opts.root,
    entryPoints: [join('functions', `${fn.file}.ts`)],
    outfile: join(workDir, 'index.mjs'),
    write: false,
    metafile: true,
  });
  await mkdir(workDir, { recursive: true });
  const entries: ZipEntry[] = [...opts.extra];
  let codeBytes = 0;
  let sourceMapBytes = 0;
  for (const out of result.outputFiles) {
    const name = relative(workDir, out.path).split(sep).join('/');
    const data = Buffer.from(out.contents);
    await writeFile(out.path, data);
    entries.push({ name, data });
    if (name === 'index.mjs') codeBytes = data.length;
    if (name === 'index.mjs.map') sourceMapBytes = data.length;
  }
  const zip = createZip(entries);
  const artifact = join(opts.outDir, 'artifacts', `${fn.file}.zip`);
  await mkdir(resolve(opts.root, opts.outDir, 'artifacts'), { recursive: true });
  await writeFile(join(opts.root, artifact), zip);
  return {
    key: fn.key,
    file: fn.file,
    artifact: artifact.split(sep).join('/'),
    zipBytes: zip.length,
    codeBytes,
    sourceMapBytes,
    ...bundledInputs(result.metafile),
  };
}
