import { fieldsReadBy } from '../shared/drift/evidence.js';
import { loadPolicyPack } from '../shared/policy/load.js';
const pack = await loadPolicyPack('test/shared/ingest/fixtures/policies');
for (const r of pack.rules) console.log(r.rule.id, JSON.stringify(fieldsReadBy(r)));
