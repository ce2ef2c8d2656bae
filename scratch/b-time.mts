import { startLocalRuntime } from '../shared/adapters/local-runtime.js';
import { loadContext } from '../cli/context.js';
import { readInputs } from '../shared/events/reader.js';
import { rmSync } from 'node:fs';
let t = performance.now();
const { config, pack } = await loadContext({});
console.log('load', Math.round(performance.now() - t)); t = performance.now();
for (const dataDir of [undefined, '/tmp/b-time']) {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  const rt = await startLocalRuntime({ config, pack, ...(dataDir ? { dataDir } : {}) });
  console.log('open', dataDir, Math.round(performance.now() - t)); t = performance.now();
  const run = await rt.ingest(readInputs(['events']));
  console.log('replay', run.inputs, run.findings, Math.round(performance.now() - t)); t = performance.now();
  const run2 = await rt.ingest(readInputs(['events']));
  console.log('replay again', run2.findings, Math.round(performance.now() - t)); t = performance.now();
  await rt.close();
}
