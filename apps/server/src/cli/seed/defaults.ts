/** Defaults of `careloop seed`: the issue's ~200 patients; `--patients 100000` for benchmarks. */
export const DEMO_DEFAULTS = { patients: 200, seed: 20_260_101 } as const;
