/**
 * `npm run resilience`'s fuzz scenario at the small size: generated requests across every
 * route and `$default` — methods, paths, headers, bodies, prototype-pollution keys,
 * invalid tokens — get no 5xx, problem+json 4xx, 401 for every bad token, and no rejected
 * request writes anything. The checks are in scripts/resilience/fuzz.ts; this asserts none
 * failed and that requests were sent.
 */
import { describe, expect, inject, it } from 'vitest';
import { fuzzScenario } from '#scripts/resilience/fuzz.ts';

describe('resilience: fuzz (small)', () => {
  it('500 generated requests: no 5xx, no writes from rejected requests; every check passes', { timeout: 120_000 }, async () => {
    // Prepare
    const options = { size: 'small' as const, dynamodbEndpoint: inject('dynamodbEndpoint') };

    // Act
    const result = await fuzzScenario(options);

    // Assess
    // The seed reproduces a failure: `npm run resilience -- --only fuzz --seed <it>`.
    expect(
      result.details.filter((line) => !line.startsWith('ok')),
      `fast-check seed ${result.counts.seed}`,
    ).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.passed).toBeGreaterThan(8);
    expect(result.counts.requests).toBe(500);
    expect(result.counts.invalidTokens).toBeGreaterThan(0);
    expect(result.counts.requestsThatWrote).toBeGreaterThan(0);
  });
});
