/**
 * The "Done when": `npm start` with the SLA sweep held to a 10 s timeout (the stage
 * default it had when no breach was ever marked in AWS) raises exactly one
 * `referral.overdue` per breached referral, however many sweeps run. The runtime runs each
 * sweep with that timeout (`JOINTLY_FUNCTION_TIMEOUTS`), targets are shortened so a breach
 * comes in seconds, and the sweep runs every second.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { readAllPages, referralApi, referralBody, type CallerClaims } from '#test/support/referral-api.ts';
import { pollUntil, sleep } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReturnType<typeof referralApi>;

const PROVIDE: CallerClaims = { sub: 'st-provide-nurse', org: 'provide', roles: ['practitioner'] };
const BREACHES = 3;

beforeAll(async () => {
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    JOINTLY_FUNCTION_TIMEOUTS: JSON.stringify({ slaSweep: 10 }),
    // Urgent due in 3 s; the others far away, so only the urgent ones breach.
    JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: 0.05 }),
    JOINTLY_SLA_SWEEP_SECONDS: '1',
  });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const overdueEventsOf = async (id: string): Promise<unknown[]> =>
  (await readAllPages(api, PROVIDE, `/referrals/${id}/history?limit=100`)).filter((e: { type: string }) => e.type === 'referral.overdue');

describe('the SLA sweep with a 10 s timeout', () => {
  it('says at start that it runs the sweep with a timeout other than the deployed one', () => {
    // Act
    const output = runtime.output();

    // Assess
    expect(output).toContain('JOINTLY_FUNCTION_TIMEOUTS');
    expect(output).toContain('slaSweep=10s');
  });

  it('raises exactly one referral.overdue per breached referral, however many sweeps run', async () => {
    // Prepare
    const created = await Promise.all(
      Array.from({ length: BREACHES }, () => api.post(PROVIDE, '/referrals', referralBody({ priority: 'urgent' }))),
    );
    for (const reply of created) expect(reply.status, reply.text).toBe(201);
    const routine = await api.post(PROVIDE, '/referrals', referralBody({ priority: 'routine' }));
    expect(routine.status, routine.text).toBe(201);
    const ids: string[] = created.map((reply) => reply.body.id);

    // Act: wait (generously) until every breach is marked, then let several more sweeps run.
    const marked = await pollUntil(
      async () => Promise.all(ids.map(overdueEventsOf)),
      (perReferral) => perReferral.every((events) => events.length >= 1),
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    await sleep(5_000);
    const afterMoreSweeps = await Promise.all(ids.map(overdueEventsOf));

    // Assess
    expect(marked.map((events) => events.length)).toEqual(ids.map(() => 1));
    expect(afterMoreSweeps.map((events) => events.length)).toEqual(ids.map(() => 1));
    expect(await overdueEventsOf(routine.body.id)).toEqual([]);
  }, 120_000);
});
