/**
 * Every time budget inside a function fits its deployed timeout, in every stage: the
 * fan-out's delivery claim and a delivery attempt's lease outlast their function (so a live
 * invocation never loses its lease, and only a dead or timed-out one is taken over), a
 * queue's visibility timeout outlasts the leases (a redelivered message finds them expired),
 * the webhook request leaves the deliver function room for its checks and records, and API
 * functions time out before the HTTP API does.
 */
import { describe, expect, it } from 'vitest';
import { STAGES, loadStageConfig } from '#infra/config/stage-config.ts';
import {
  API_INTEGRATION_TIMEOUT_SECONDS,
  QUEUE_NAMES,
  queueVisibilityTimeoutSeconds,
  stageFunctionSettings,
} from '#infra/function-settings.ts';
import { CLAIM_LEASE_MS } from '#shared/subscriptions/data/delivery-repository.ts';
import { ATTEMPT_LEASE_MS, WEBHOOK_TIMEOUT_MS } from '#shared/subscriptions/domain/delivery.ts';

describe.each(STAGES)('time budgets, stage %s', (stage) => {
  const config = loadStageConfig(stage, { env: {} });
  const settings = stageFunctionSettings(config);
  const timeoutMs = (id: string) => settings.get(id)!.timeoutSeconds * 1000;

  it("keeps the fan-out's claim lease at least as long as the fan-out function may run", () => {
    // Act
    const fanOutMs = timeoutMs('fanOut');

    // Assess
    expect(CLAIM_LEASE_MS).toBeGreaterThanOrEqual(fanOutMs);
  });

  it('keeps a delivery attempt lease at least as long as the deliver function may run', () => {
    // Act
    const deliverMs = timeoutMs('deliver');

    // Assess
    expect(ATTEMPT_LEASE_MS).toBeGreaterThanOrEqual(deliverMs);
  });

  it('gives the webhook request at most half the deliver budget (the rest: DNS check, secret, records, re-queue)', () => {
    // Act
    const deliverMs = timeoutMs('deliver');

    // Assess
    expect(WEBHOOK_TIMEOUT_MS).toBeLessThanOrEqual(deliverMs / 2);
  });

  it('makes every queue redeliver only after the leases a dead consumer left have expired', () => {
    // Act
    const visibilityMs = QUEUE_NAMES.map((queue) => queueVisibilityTimeoutSeconds(config, queue) * 1000);

    // Assess
    for (const ms of visibilityMs) expect(ms).toBeGreaterThan(Math.max(CLAIM_LEASE_MS, ATTEMPT_LEASE_MS));
  });

  it('times every API function out before the HTTP API gives up', () => {
    // Act
    const apiTimeouts = [...settings.values()].filter((s) => s.kind === 'api').map((s) => s.timeoutSeconds);

    // Assess
    expect(apiTimeouts.length).toBeGreaterThan(0);
    expect(Math.max(...apiTimeouts)).toBeLessThan(API_INTEGRATION_TIMEOUT_SECONDS);
  });
});
