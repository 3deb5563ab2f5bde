/**
 * Vitest's order, with the few files that cost the most CPU moved to the front. On a 2-core
 * machine with two workers the run is CPU-bound, so the best order is the longest first: a
 * heavy file left for the end runs alone on one core while the other sits idle. Vitest
 * learns durations from its cache, but a clean clone (CI) has none and falls back to file
 * size, which put the 1,000-event fault-injection file near the end of the run.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Paths (from the repository root) of the heaviest files, heaviest first, as measured in CI. */
export const HEAVIEST_FILES: readonly string[] = [
  'test/e2e/notifications-fault-injection.test.ts',
  'test/e2e/resilience-faults.test.ts',
  'test/e2e/resilience-crash.test.ts',
  'test/integration/events/fan-out-scale.test.ts',
  'test/e2e/handoff-authorization-matrix.test.ts',
  'test/e2e/referral-authorization-matrix.test.ts',
  'test/e2e/runtime-lifecycle.test.ts',
  'test/e2e/resilience-fuzz.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const index = HEAVIEST_FILES.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
  return index === -1 ? HEAVIEST_FILES.length : index;
};

export default class HeaviestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}
