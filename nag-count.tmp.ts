import { formatFindings, nagTemplate } from './test/deploy/support/nag.ts';
for (const f of process.argv.slice(2)) {
  const raw = nagTemplate(f, { honourTemplateSuppressions: false });
  const r = nagTemplate(f);
  const c = (xs: typeof raw.findings, s: string) => xs.filter((x) => x.severity === s).length;
  console.log(`== ${f}\nraw: ${c(raw.findings,'error')} errors ${c(raw.findings,'warning')} warnings; after suppressions: ${c(r.findings,'error')} errors ${c(r.findings,'warning')} warnings, ${r.suppressed.length} suppressed, unused ${r.unusedSuppressions.length}`);
  console.log(formatFindings(r.findings));
}
