import { Environment } from '@marcbachmann/cel-js';
const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })
  .registerVariable('req', 'map')
  .registerVariable('config', 'map')
  .registerFunction('f(dyn): list', (v) => ['a'])
  .registerFunction('g(dyn): map', (v) => ({ pinned: true, n: 3 }));
const t = (e, c) => {
  try {
    const p = env.parse(e);
    console.log(e, '=>', p(c));
  } catch (err) {
    console.log(e, 'ERR', err.constructor.name, err.message.split('\n')[0]);
  }
};
const c = {
  req: { instanceCount: 2, a: { b: true }, list: ['x'], s: 'abc', n: null },
  config: { approved: { accounts: ['1'] } },
};
t('req.?vpcConfig.?subnets.orValue([]).size() == 0', c);
t('size(req.?vpcConfig.?subnets.orValue([])) == 0', c);
t('req.?a.?b.orValue(false) == true', c);
t('req.?instanceCount.orValue(1) > 1', c);
t('g(req).pinned && g(req).n == 3', c);
t('f(req).size() > 0', c);
t('config.approved.accounts + ["2"]', c);
t('req.n == null', c);
t('has(req.n)', c);
t('req.s in ["abc"]', c);
t('req.?zz.orValue("") == ""', c);
t('["x","y"].exists(x, x == req.s)', c);
t('req.list.map(x, x + "1")', c);
t('req.a.b', c);
t('[req.?x.orValue(""), req.s].filter(u, u != "")', c);
console.log(env.check('req.?zz.orValue("")'));
