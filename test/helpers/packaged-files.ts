import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSnapshotPath } from '../../shared/config/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { PACK_SNAPSHOT_FILE, snapshotOf } from '../../shared/policy/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';

/**
 * What `npm run package` puts beside a handler, made from a config file and a policy folder:
 * the JSON snapshots the deployed functions load at init (they do not parse YAML).
 * @example const { configFile, policyDir } = await packagedFiles('tpguard.config.yaml', 'policies')
 */
export async function packagedFiles(
  configFile: string,
  policyDir: string,
): Promise<{ configFile: string; policyDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tpguard-packaged-'));
  const config = await loadConfig(configFile);
  const pack = await loadPolicyPack(policyDir, { checkTestFiles: false });
  await mkdir(join(dir, 'policies'));
  const packagedConfig = join(dir, 'tpguard.config.yaml');
  await writeFile(configSnapshotPath(packagedConfig), JSON.stringify(config));
  await writeFile(join(dir, 'policies', PACK_SNAPSHOT_FILE), JSON.stringify(snapshotOf(pack)));
  return { configFile: packagedConfig, policyDir: join(dir, 'policies') };
}
