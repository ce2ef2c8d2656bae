import { loadPolicyPack } from '../shared/policy/load.js';
import { runRuleTests } from '../shared/policy/rule-tests.js';
const pack = await loadPolicyPack('test/shared/ingest/fixtures/policies');
console.log(pack.version, pack.rules.length);
for (const r of await runRuleTests(pack)) console.log(r.ruleId, r.name, r.expected, r.observed, r.note ?? '');
