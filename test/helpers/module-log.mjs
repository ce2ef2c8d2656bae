// Preloaded with `node --import`: appends the URL of every @aws-sdk module the process resolves to
// $TPGUARD_MODULE_LOG, so a test can tell which SDK clients a command loads.
import { register } from 'node:module';

if (process.env.TPGUARD_MODULE_LOG)
  register('./module-log-hooks.mjs', import.meta.url, { data: { file: process.env.TPGUARD_MODULE_LOG } });
