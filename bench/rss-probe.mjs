// Preloaded into a measured process (node --import ./bench/rss-probe.mjs ...): on exit it
// writes its own peak resident set size and CPU time to $TPGUARD_BENCH_PROBE, so the
// benchmark measures the scan process itself, not the runner or npx.
import { writeFileSync } from 'node:fs';

const out = process.env.TPGUARD_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }),
    );
  });
}
