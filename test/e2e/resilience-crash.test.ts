/**
 * `npm run resilience`'s crash scenario at the small size: the local runtime with
 * persisted data is killed (SIGKILL) under load and restarted on the same folder; nothing
 * acknowledged is lost, every event reaches every subscriber (inbox exactly once, webhook
 * at least once), histories stay gap-free. The scenario's checks are in
 * scripts/resilience/crash.ts; this asserts none failed and that it exercised something.
 */
import { describe, expect, it } from 'vitest';
import { crashScenario } from '#scripts/resilience/crash.ts';

describe('resilience: crash (small)', () => {
  it('SIGKILL mid-load, restart on the same data: every check passes', { timeout: 150_000 }, async () => {
    // Prepare
    const options = { size: 'small' as const };

    // Act
    const result = await crashScenario(options);

    // Assess
    expect(result.details.filter((line) => !line.startsWith('ok'))).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.passed).toBeGreaterThan(10);
    expect(result.counts.events).toBeGreaterThan(30);
    expect(result.counts.workflowsInterrupted).toBeGreaterThan(0);
    expect((result.counts.alertsRecoveredAfterRestart ?? 0) + (result.counts.webhooksRecoveredAfterRestart ?? 0)).toBeGreaterThan(0);
  });
});
