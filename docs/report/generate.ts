/**
 * Regenerates the sample evidence report in docs/report/ from the demo stream (events/) and a
 * walk through two review periods, moving the clock with --now:
 *
 *   npx tsx docs/report/generate.ts                # report.html, report.md, report.json
 *   npx tsx docs/report/generate.ts --screenshot   # and report.png (needs /usr/bin/chromium)
 *
 * Everything runs offline against a throw-away embedded store; the repository's
 * tpguard.config.yaml and policies/ are used as they are.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

const OUT = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tpguard-report-demo-'));

async function tpguard(now: string, ...args: string[]): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await main(['node', 'tpguard', '--now', now, ...args, '--data-dir', dir]);
    if (code > 1) throw new Error(`tpguard ${args.join(' ')} exited ${code}`);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

async function daily(from: string, to: string, hook: (day: string) => Promise<void>): Promise<void> {
  for (let t = Date.parse(from); t <= Date.parse(to); t += 86_400_000) {
    const now = new Date(t).toISOString();
    await tpguard(now, 'review', 'remind');
    await hook(now.slice(0, 10));
  }
}

try {
  // Q4 2026 opens (nothing happened in Q3); its reviews are signed off in October.
  await tpguard('2026-10-01T07:00:00Z', 'review', 'run');
  const q4 = JSON.parse(await tpguard('2026-10-01T08:00:00Z', 'review', 'list', '--format', 'json')) as {
    id: string;
  }[];
  for (const [i, t] of q4.entries())
    await tpguard(
      `2026-10-${String(12 + i * 3).padStart(2, '0')}T10:00:00Z`,
      'review',
      'complete',
      t.id,
      '--by',
      ['Dana Ruiz', 'Lee Chen', 'Ana Costa'][i % 3]!,
      '--notes',
      'pack reviewed, no change needed',
      '--decision',
      'keep',
    );
  // 2 November: the demo day in the training pipeline.
  await tpguard('2026-11-02T23:00:00Z', 'start', '--once');
  // Owners fix drift over the following weeks.
  const open = JSON.parse(await tpguard('2026-11-03T08:00:00Z', 'drift', 'list', '--format', 'json')) as {
    driftId: string;
    severity: string;
  }[];
  const fixes = open.filter((d) => d.severity === 'critical' || d.severity === 'high').slice(0, 24);
  for (const [i, d] of fixes.entries()) {
    const at = new Date(Date.parse('2026-11-03T09:00:00Z') + i * 2.6 * 86_400_000).toISOString();
    await tpguard(at, 'drift', 'resolve', d.driftId, '--by', 'ml-platform on-call', '--reason', 'fixed and verified');
  }
  await tpguard(
    '2026-11-05T10:00:00Z',
    'exception',
    'add',
    '--rule',
    'TPS-S3-*',
    '--resource',
    'ml-training-nlp-corpus',
    '--reason',
    'corpus bucket migrates to the new account in January',
    '--approved-by',
    'CISO office',
    '--expires',
    '2027-01-31',
  );
  // Q1 2027 opens and looks back at Q4; daily reminders until the last sign-off.
  await tpguard('2027-01-01T08:00:00Z', 'review', 'run');
  await daily('2027-01-02T06:00:00Z', '2027-02-15T06:00:00Z', async (day) => {
    if (day === '2027-01-20')
      await tpguard(
        '2027-01-20T15:00:00Z',
        'review',
        'complete',
        '2027-Q1/reviewers',
        '--by',
        'Dana Ruiz',
        '--notes',
        'new GuardDuty finding types to map; TPS rules updated',
        '--decision',
        'update',
      );
    if (day === '2027-01-29')
      await tpguard(
        '2027-01-29T11:00:00Z',
        'review',
        'complete',
        '2027-Q1/vision',
        '--by',
        'Ana Costa',
        '--notes',
        'isolation and image pinning rules still right',
        '--decision',
        'keep',
      );
    if (day === '2027-02-12')
      await tpguard(
        '2027-02-12T09:00:00Z',
        'review',
        'complete',
        '2027-Q1/default',
        '--by',
        'Lee Chen',
        '--notes',
        'late: on-call rotation; exception for the NLP corpus expired as planned',
        '--decision',
        'keep',
      );
  });
  for (const format of ['html', 'md', 'json']) {
    await tpguard(
      '2027-03-31T12:00:00Z',
      'report',
      '--format',
      format,
      '--from',
      '2026-10-01',
      '--to',
      '2027-03-31',
      '--out',
      join(OUT, `report.${format}`),
    );
  }
  if (process.argv.includes('--screenshot')) {
    if (!existsSync('/usr/bin/chromium'))
      throw new Error('--screenshot needs /usr/bin/chromium (apt-get install -y chromium)');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1 });
    await page.goto(`file://${join(OUT, 'report.html')}`);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: false });
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
