/**
 * Programme evaluation through `npm start` (issue 8's "Done when"): after a scripted morning
 * of referrals and handoffs across Provide, ECC and MEHT, a programme manager's
 * `GET /metrics/summary?groupBy=serviceArea` shows the right counts, time to accept and
 * within-target rates; the CSV is RFC 4180 with the same figures; practitioners get 403;
 * and a figure reflects a new event within moments of its commit (polled with a generous
 * deadline; the measured latency is reported, not asserted tightly).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handoffApi, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { pollUntil, sleep } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;

/** Urgent referrals are due in 4.8 s here, so one accepted after 6 s is late. */
const URGENT_TARGET_MS = 0.08 * 60_000;

beforeAll(async () => {
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: URGENT_TARGET_MS / 60_000 }),
    // No overdue marks during the morning: every figure below is the script's own.
    JOINTLY_SLA_SWEEP_SECONDS: '3600',
  });
  api = handoffApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const PROVIDE: Who = { sub: 'mx-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'mx-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: Who = { sub: 'mx-meht-discharge', org: 'meht', roles: ['practitioner'] };
const PM: Who = { sub: 'mx-programme-manager', org: 'ecc', roles: ['programme_manager'] };
const NO_ROLE: Who = { sub: 'mx-visitor', org: 'ecc', roles: [] };

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
const must = async (reply: Promise<Reply>, status: number) => {
  const r = await reply;
  expectStatus(r, status);
  return r.body;
};

type Figures = Record<string, any>;
const byArea = (reply: Reply): Record<string, Figures> =>
  Object.fromEntries(
    (reply.body?.groups ?? []).map((g: { key: { serviceArea: string }; figures: Figures }) => [g.key.serviceArea, g.figures]),
  );

describe('who may read the figures', () => {
  it('a practitioner gets 403 problem+json, a caller with no role 403, no token 401; a programme manager 200', async () => {
    // Act
    const practitioner = await api.get(PROVIDE, '/metrics/summary');
    const noRole = await api.get(NO_ROLE, '/metrics/summary');
    const anonymous = await api.get(undefined, '/metrics/summary');
    const manager = await api.get(PM, '/metrics/summary');

    // Assess
    expectStatus(practitioner, 403);
    expect(practitioner.headers.get('content-type')).toBe('application/problem+json');
    expect(practitioner.body).toMatchObject({ status: 403, type: 'https://jointly.dev/problems/forbidden' });
    expectStatus(noRole, 403);
    expectStatus(anonymous, 401);
    expectStatus(manager, 200);
    expect(manager.body.groups.map((g: { key: unknown }) => g.key)).toEqual([
      { serviceArea: 'rapid-response' },
      { serviceArea: 'crisis-prevention' },
      { serviceArea: 'joint-referral' },
    ]);
  });

  it('a malformed query is a 400 naming the field, even for a practitioner (400 before 403)', async () => {
    // Act
    const badGroup = await api.get(PM, '/metrics/summary?groupBy=week');
    const backwards = await api.get(PROVIDE, '/metrics/summary?from=2026-03-02&to=2026-03-01');
    const unknownOrg = await api.get(PM, '/metrics/summary?org=nowhere');

    // Assess
    expectStatus(badGroup, 400);
    expect(badGroup.body.errors.map((e: { path: string }) => e.path)).toEqual(['groupBy']);
    expectStatus(backwards, 400);
    expect(backwards.body.errors.map((e: { path: string }) => e.path)).toEqual(['to']);
    expectStatus(unknownOrg, 400);
    expect(unknownOrg.body.errors.map((e: { path: string }) => e.path)).toEqual(['org']);
  });
});

describe('a morning across Provide, ECC and MEHT', () => {
  it('GET /metrics/summary?groupBy=serviceArea shows the right counts, time to accept and within-target rates', {
    timeout: 60_000,
  }, async () => {
    // Prepare: the scripted morning
    // Crisis prevention: one accepted at once and completed with admission avoided, one accepted late, one declined.
    const late = await api.refer(PROVIDE, 'ecc', { serviceArea: 'crisis-prevention', priority: 'urgent' });
    const lateSubmittedAt = Date.now();
    const quick = await api.refer(PROVIDE, 'ecc', { serviceArea: 'crisis-prevention', priority: 'urgent' });
    await must(api.post(ECC, `/referrals/${quick.id}/accept`, {}), 200);
    await must(api.post(ECC, `/referrals/${quick.id}/complete`, { outcome: 'admission-avoided' }), 200);
    const noRoom = await api.refer(MEHT, 'ecc', { serviceArea: 'crisis-prevention', priority: 'soon' });
    await must(
      api.post(ECC, `/referrals/${noRoom.id}/decline`, { reasonCode: 'no-capacity', comment: 'No beds in the crisis team today.' }),
      200,
    );
    // Rapid response: MEHT → Provide accepted, then handed to ECC; ECC → Provide after one information loop.
    const discharge = await api.acceptedReferral(MEHT, PROVIDE, { serviceArea: 'rapid-response', priority: 'urgent' });
    const offer = await api.offer(PROVIDE, discharge.id, 'ecc');
    await must(api.post(ECC, `/handoffs/${offer.id}/accept`, {}), 200);
    const loop = await api.refer(ECC, 'provide', { serviceArea: 'rapid-response', priority: 'routine' });
    await must(api.post(PROVIDE, `/referrals/${loop.id}/request-info`, { comment: 'Is there a key safe?' }), 200);
    await must(api.post(ECC, `/referrals/${loop.id}/provide-info`, { comment: 'Yes, code with the GP.' }), 200);
    await must(api.post(PROVIDE, `/referrals/${loop.id}/accept`, {}), 200);
    // Joint processing: one cancelled, one redirected by MEHT to Provide (still awaiting an answer).
    const cancelled = await api.refer(PROVIDE, 'meht', { serviceArea: 'joint-referral', priority: 'routine' });
    await must(api.post(PROVIDE, `/referrals/${cancelled.id}/cancel`, { reasonCode: 'no-longer-required' }), 200);
    const redirected = await api.refer(ECC, 'meht', { serviceArea: 'joint-referral', priority: 'soon' });
    await must(api.post(MEHT, `/referrals/${redirected.id}/redirect`, { toOrg: 'provide', comment: 'Community nursing, not acute.' }), 200);
    // The late one: accepted after its 4.8 s target.
    await sleep(Math.max(0, lateSubmittedAt + URGENT_TARGET_MS + 1_200 - Date.now()));
    await must(api.post(ECC, `/referrals/${late.id}/accept`, {}), 200);

    // Act: the figures follow the events (poll: the event path is asynchronous)
    const reply = await pollUntil(
      () => api.get(PM, '/metrics/summary?groupBy=serviceArea'),
      (r) => r.status === 200 && byArea(r)['crisis-prevention']?.accepted === 2 && byArea(r)['rapid-response']?.accepted === 2,
      { timeoutMs: 15_000, intervalMs: 100 },
    );

    // Assess
    expectStatus(reply, 200);
    const areas = byArea(reply);
    expect(areas['crisis-prevention']).toMatchObject({
      referrals: 3,
      byStatus: { submitted: 0, info_requested: 0, accepted: 1, declined: 1, cancelled: 0, completed: 1 },
      accepted: 2,
      acceptedWithinTarget: 1,
      acceptedWithinTargetRate: 0.5,
      completedByOutcome: { 'admission-avoided': 1 },
      admissionAvoidedRate: 1,
      declinedByReason: { 'no-capacity': 1 },
      timeToAccept: { count: 2 },
      timeToComplete: { count: 1 },
    });
    expect(areas['rapid-response']).toMatchObject({
      referrals: 2,
      byStatus: { accepted: 2 },
      accepted: 2,
      acceptedWithinTarget: 2,
      acceptedWithinTargetRate: 1,
      infoRequests: 1,
      infoRequestsPerReferral: 0.5,
      handoffs: { offered: 1, accepted: 1, declined: 0, withdrawn: 0, open: 0, timeToAccept: { count: 1 } },
    });
    expect(areas['joint-referral']).toMatchObject({
      referrals: 2,
      byStatus: { submitted: 1, cancelled: 1 },
      accepted: 0,
      acceptedWithinTargetRate: null,
      cancelledByReason: { 'no-longer-required': 1 },
      redirects: 1,
      timeToAccept: { count: 0, medianMinutes: null },
    });
    // Time to accept: all within the first minute here; the late one took over 4.8 s.
    const crisis = areas['crisis-prevention']!.timeToAccept;
    expect(crisis.meanMinutes).toBeGreaterThanOrEqual(0);
    expect(crisis.medianMinutes).toBeGreaterThanOrEqual(0);
    expect(crisis.medianMinutes).toBeLessThanOrEqual(1);
    expect(reply.body.total).toMatchObject({ referrals: 7, accepted: 4, acceptedWithinTarget: 3, acceptedWithinTargetRate: 0.75 });
    expect(reply.body.attribution.referrals).toMatch(/submitted/);

    // By org pair: MEHT → ECC holds the decline; the redirect left MEHT's pair for Provide's.
    const pairs = await must(api.get(PM, '/metrics/summary?groupBy=orgPair&serviceArea=joint-referral'), 200);
    const pair = (from: string, to: string) =>
      pairs.groups.find((g: { key: { fromOrg: string; toOrg: string } }) => g.key.fromOrg === from && g.key.toOrg === to).figures;
    expect(pair('ecc', 'meht')).toMatchObject({ referrals: 0, redirects: 1 });
    expect(pair('ecc', 'provide')).toMatchObject({ referrals: 1, byStatus: { submitted: 1 } });
  });

  it('reflects a new event within moments of its commit (measured)', { timeout: 30_000 }, async () => {
    // Prepare
    const before = await must(api.get(PM, '/metrics/summary?serviceArea=joint-referral'), 200);

    // Act
    await api.refer(MEHT, 'ageuk-essex', { serviceArea: 'joint-referral', priority: 'routine' });
    const committed = performance.now();
    const reply = await pollUntil(
      () => api.get(PM, '/metrics/summary?serviceArea=joint-referral'),
      (r) => r.body?.total?.referrals === before.total.referrals + 1,
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    const latencyMs = Math.round(performance.now() - committed);

    // Assess: eventually visible; the latency is reported (npm run bench measures it properly)
    expect(reply.body.total.referrals).toBe(before.total.referrals + 1);
    console.info(`metrics freshness: a new referral was in GET /metrics/summary ${latencyMs} ms after its commit`);
  });
});

describe('CSV for the programme board', () => {
  it('Accept: text/csv and format=csv answer RFC 4180 CSV with a header and one row per service area, the same figures as the JSON', async () => {
    // Act
    const json = await must(api.get(PM, '/metrics/summary?groupBy=serviceArea'), 200);
    const csv = await api.get(PM, '/metrics/summary?groupBy=serviceArea', { Accept: 'text/csv' });
    const byFormat = await api.get(PM, '/metrics/summary?groupBy=serviceArea&format=csv');

    // Assess
    expectStatus(csv, 200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="jointly-metrics_${json.from}_${json.to}_by-serviceArea.csv"`,
    );
    expect(byFormat.text).toBe(csv.text);
    expect(csv.text.endsWith('\r\n')).toBe(true);
    const lines = csv.text.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(1 + 3);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['serviceArea', 'referrals', 'byStatus.submitted']);
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((value, i) => [header[i], value])));
    expect(rows.map((r) => r.serviceArea)).toEqual(['rapid-response', 'crisis-prevention', 'joint-referral']);
    for (const [i, group] of (json.groups as { figures: Figures }[]).entries()) {
      expect(rows[i]).toMatchObject({
        referrals: String(group.figures.referrals),
        accepted: String(group.figures.accepted),
        acceptedWithinTargetRate: group.figures.acceptedWithinTargetRate === null ? '' : String(group.figures.acceptedWithinTargetRate),
        'timeToAccept.medianMinutes':
          group.figures.timeToAccept.medianMinutes === null ? '' : String(group.figures.timeToAccept.medianMinutes),
        'handoffs.offered': String(group.figures.handoffs.offered),
      });
    }
  });
});
