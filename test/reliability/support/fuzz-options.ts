/**
 * fast-check options of the reliability suite: fixed seeds so that `npm test` is
 * deterministic. For a longer exploration run (not part of `npm test`):
 * `TPGUARD_FUZZ_SEED=123 TPGUARD_FUZZ_RUNS=10 npx vitest run test/reliability`.
 */
export function fuzzOptions(
  baseSeed: number,
  numRuns: number,
): { seed: number; numRuns: number; endOnFailure: boolean } {
  const seed = Number(process.env.TPGUARD_FUZZ_SEED ?? 0) + baseSeed;
  const factor = Math.max(1, Number(process.env.TPGUARD_FUZZ_RUNS ?? 1) || 1);
  // Huge values make shrinking slow; the seed and path reproduce a failure exactly.
  return { seed, numRuns: Math.round(numRuns * factor), endOnFailure: true };
}
