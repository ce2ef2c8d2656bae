/**
 * fast-check options of the reliability suite: fixed seeds so that `npm test` is deterministic.
 * `npm test` runs a fifth of each property's runs (at least 20); CI (`.ci/run`) sets
 * `TPGUARD_FUZZ_LONG=1` and runs them all. For a longer exploration run:
 * `TPGUARD_FUZZ_LONG=1 TPGUARD_FUZZ_SEED=123 TPGUARD_FUZZ_RUNS=10 npx vitest run test/reliability`.
 */
export function fuzzOptions(
  baseSeed: number,
  numRuns: number,
): { seed: number; numRuns: number; endOnFailure: boolean } {
  const seed = Number(process.env.TPGUARD_FUZZ_SEED ?? 0) + baseSeed;
  const factor = Math.max(1, Number(process.env.TPGUARD_FUZZ_RUNS ?? 1) || 1);
  const runs = process.env.TPGUARD_FUZZ_LONG === '1' ? numRuns : Math.max(20, Math.round(numRuns / 5));
  // Huge values make shrinking slow; the seed and path reproduce a failure exactly.
  return { seed, numRuns: Math.round(runs * factor), endOnFailure: true };
}
