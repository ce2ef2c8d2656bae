import fc from 'fast-check';

// Property tests are deterministic in CI: one global seed, overridable to explore
// (FC_SEED=123 npm test). A failure prints its seed and path so it can be replayed.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });
