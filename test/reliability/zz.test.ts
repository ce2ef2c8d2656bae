import fc from 'fast-check';
import { join } from 'node:path';
import { it } from 'vitest';
import { loadConfig } from '../../shared/config/load.js';
import { intake } from '../../shared/events/normalize.js';
import { createEvaluator, evaluate } from '../../shared/policy/evaluate.js';
import { loadPolicyPack } from '../../shared/policy/load.js';
import { containerArb, wrap } from './support/containers.js';
import { applyMutations, isLeaf, mutationArb } from './support/mutations.js';
import { loadLeafEvents, ROOT } from './support/seeds.js';
it('timing', async () => {
  const leaves = loadLeafEvents();
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const ev = createEvaluator(pack, await loadConfig(join(ROOT, 'tpguard.config.yaml')));
  const eventArb = fc.record({ seed: fc.nat(), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
  let n = 0;
  fc.assert(fc.property(fc.array(eventArb, { minLength: 1, maxLength: 6 }), containerArb, (specs, container) => {
    const t0 = performance.now();
    const events = specs.map((s) => applyMutations(leaves[s.seed % leaves.length], s.mutations));
    if (!events.every(isLeaf)) return;
    const { document } = wrap(container.shape === 'single' ? events.slice(0, 1) : events, container, 'fuzz');
    const t1 = performance.now();
    const results = [...intake(document, 'fuzz')];
    const t2 = performance.now();
    for (const r of results) if (r.ok) {
      for (const c of ev.index.lookup(r.observation.trigger)) {
        const a = performance.now(); evaluate({ ...ev, index: { lookup: () => [c] } } as never, r.observation); const d = performance.now() - a;
        if (d > 200) console.log('SLOW', c.rule.id, d.toFixed(0), JSON.stringify(specs.map((s) => s.mutations)).slice(0, 400));
      }
    }
    const t3 = performance.now();
    if (t3 - t0 > 1000) console.log(n, 'mut', (t1 - t0).toFixed(0), 'intake', (t2 - t1).toFixed(0), 'eval', (t3 - t2).toFixed(0), container.shape);
    n++;
  }), { seed: 0x7e9a_2026, numRuns: 400 });
}, 600000);
