/**
 * `npm run resilience`'s faults scenario at the small size: failures injected in
 * publishing (JOINTLY_FAULT_RATE), at the DynamoDB client (JOINTLY_SDK_FAULT_RATE:
 * transaction conflicts, throttling, timeouts, internal errors) and in webhook delivery
 * (500s, a timeout, a poisoned referral) still end with every alert once, every webhook
 * delivered after a redrive, bounded retries and well-formed API answers. The checks are
 * in scripts/resilience/faults.ts; this asserts none failed and that faults were injected.
 */
import { describe, expect, it } from 'vitest';
import { faultsScenario } from '#scripts/resilience/faults.ts';

describe('resilience: faults (small)', () => {
  it('injected failures lose and duplicate nothing: every check passes', { timeout: 120_000 }, async () => {
    // Prepare
    // No endpoint: the runtime starts its own DynamoDB Local, as `npm start` does, so the
    // load this scenario leaves behind does not slow the shared instance for later files.
    const options = { size: 'small' as const, dynamodbEndpoint: undefined };

    // Act
    const result = await faultsScenario(options);

    // Assess
    expect(result.details.filter((line) => !line.startsWith('ok'))).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.passed).toBeGreaterThan(15);
    expect(result.counts.injected).toBeGreaterThanOrEqual(60);
    expect(result.counts.sdkFaults).toBeGreaterThan(0);
    expect(result.counts.publishFailures).toBeGreaterThan(0);
    expect(result.counts.redriven).toBeGreaterThan(0);
  });
});
