/**
 * Former parties see what they saw, nothing more (DESIGN §3 "Former parties"), over HTTP
 * against the local runtime. An organisation redirected away, or the target of a handoff
 * that was declined or withdrawn, reads the referral as it stood when it left — detail,
 * handoffs, history, notes, access log, search — never what came later, and can take no
 * action and write no note (403: the record is visible to it). Its subscriptions stop
 * hearing the referral's later events. Offered again, it is a current party again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  readAllPages,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

const PROVIDE: CallerClaims = { sub: 'fp-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'fp-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'fp-meht-discharge', org: 'meht', roles: ['practitioner'] };
const AGEUK: CallerClaims = { sub: 'fp-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'fp-programme-manager', org: 'ageuk-essex', roles: ['programme_manager'] };

/** Text written after the org left: none of it may reach it. */
const LATER = {
  reason: 'LATER-AMENDED: lives alone; now also not eating.',
  note: 'LATER-NOTE: daughter moving in next week.',
  comment: 'LATER-COMMENT: is the GP aware?',
};

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const must = async (reply: Promise<ApiResponse>, status: number): Promise<any> => {
  const response = await reply;
  expect(response.status, `${response.status} ${response.text}`).toBe(status);
  return response.body;
};

const expectNoLaterText = (response: ApiResponse) => {
  for (const text of Object.values(LATER)) expect(response.text).not.toContain(text);
};

describe('a receiver redirected away', () => {
  let id: string;
  let nhsNumber: string;
  let atLeaving: any;

  beforeAll(async () => {
    const body = referralBody();
    nhsNumber = body.subject.nhsNumber;
    id = (await must(api.post(PROVIDE, '/referrals', body), 201)).id;
    await must(api.post(ECC, `/referrals/${id}/notes`, { text: 'ECC: tried to phone, no answer.' }), 201);
    atLeaving = await must(api.post(ECC, `/referrals/${id}/redirect`, { toOrg: 'meht', comment: 'MEHT discharge team holds this.' }), 200);
    // Later: an amendment, a note and a comment ECC must never see.
    await must(api.post(PROVIDE, `/referrals/${id}/amend`, { reason: LATER.reason }), 200);
    await must(api.post(MEHT, `/referrals/${id}/notes`, { text: LATER.note }), 201);
    await must(api.post(MEHT, `/referrals/${id}/request-info`, { comment: LATER.comment }), 200);
  });

  it('reads the referral as it stood when it left: no later amendment, status or version, and no actions', async () => {
    // Act
    const response = await api.get(ECC, `/referrals/${id}`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id,
      reason: atLeaving.reason,
      status: 'submitted',
      version: atLeaving.version,
      toOrg: 'meht',
      allowedActions: [],
    });
    expect(response.headers.get('etag')).toBe(`"${atLeaving.version}"`);
    expectNoLaterText(response);
  });

  it('the current parties see it as a former party, and the current record', async () => {
    // Act
    const response = await api.get(PROVIDE, `/referrals/${id}`);

    // Assess
    expect(response.body.parties).toEqual(['provide', 'meht']);
    expect(response.body.formerParties).toEqual([{ org: 'ecc', leftAt: expect.any(String), leftSeq: 3 }]);
    expect(response.body).toMatchObject({ reason: LATER.reason, status: 'info_requested' });
  });

  it('history and notes stop at the event it left with; the access log at the moment it left', async () => {
    // Act
    const history = await api.get(ECC, `/referrals/${id}/history?limit=100`);
    const notes = await api.get(ECC, `/referrals/${id}/notes?limit=100`);
    const log = await api.get(ECC, `/referrals/${id}/access-log?limit=100`);
    const current = await api.get(PROVIDE, `/referrals/${id}`);

    // Assess
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['referral.submitted', 'note.added', 'referral.redirected']);
    expect(notes.body.items.map((n: { text: string }) => n.text)).toEqual(['ECC: tried to phone, no answer.']);
    const leftAt = current.body.formerParties[0].leftAt as string;
    expect(log.body.items.every((entry: { at: string }) => entry.at <= leftAt)).toBe(true);
    for (const response of [history, notes, log]) expectNoLaterText(response);
  });

  it('search finds the snapshot, not the current record; no box lists it', async () => {
    // Act
    const found = await api.post(ECC, '/referrals/search', { nhsNumber });
    const boxes = await Promise.all(['inbox', 'outbox', 'owned'].map((box) => readAllPages(api, ECC, `/referrals?box=${box}&limit=100`)));

    // Assess
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ id, reason: atLeaving.reason, version: atLeaving.version });
    expectNoLaterText(found);
    for (const items of boxes) expect(items.map((r) => r.id)).not.toContain(id);
  });

  it('can write no note and take no action: 403, and nothing changes', async () => {
    // Prepare
    const before = await api.get(PROVIDE, `/referrals/${id}`);

    // Act
    const note = await api.post(ECC, `/referrals/${id}/notes`, { text: 'Should not be written.' });
    const actions = await Promise.all([
      api.post(ECC, `/referrals/${id}/accept`, {}),
      api.post(ECC, `/referrals/${id}/redirect`, { toOrg: 'ageuk-essex', comment: 'x' }),
      api.post(ECC, `/referrals/${id}/cancel`, { reasonCode: 'other' }),
    ]);
    const after = await api.get(PROVIDE, `/referrals/${id}`);

    // Assess
    expect(note.status).toBe(403);
    expect(note.headers.get('content-type')).toBe('application/problem+json');
    expect(actions.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(after.body.version).toBe(before.body.version);
    const notes = await readAllPages(api, PROVIDE, `/referrals/${id}/notes?limit=100`);
    expect(notes.map((n) => n.text)).not.toContain('Should not be written.');
  });

  it('a programme manager is unaffected: the current record', async () => {
    // Act
    const response = await api.get(PM, `/referrals/${id}`);

    // Assess
    expect(response.body).toMatchObject({ reason: LATER.reason, status: 'info_requested' });
  });
});

describe('a handoff target whose offer was declined or withdrawn', () => {
  const scene = async (answer: 'decline' | 'withdraw') => {
    const referral = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    await must(api.post(ECC, `/referrals/${referral.id}/accept`, {}), 200);
    const first = await must(api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }), 201);
    if (answer === 'decline') await must(api.post(MEHT, `/handoffs/${first.id}/decline`, { reasonCode: 'no-capacity' }), 200);
    else await must(api.post(ECC, `/handoffs/${first.id}/withdraw`, {}), 200);
    await must(api.post(ECC, `/referrals/${referral.id}/notes`, { text: LATER.note }), 201);
    const second = await must(api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'ageuk-essex', reason: LATER.comment }), 201);
    return { id: referral.id as string, first: first.id as string, second: second.id as string };
  };

  it.for(['decline', 'withdraw'] as const)(
    '%s: sees the handoff it was offered as it stood, not the later one; no later note; 403 on every write',
    async (answer) => {
      // Prepare
      const { id, first, second } = await scene(answer);

      // Act
      const detail = await api.get(MEHT, `/referrals/${id}`);
      const seen = await api.get(MEHT, `/handoffs/${first}`);
      const later = await api.get(MEHT, `/handoffs/${second}`);
      const notes = await api.get(MEHT, `/referrals/${id}/notes`);
      const note = await api.post(MEHT, `/referrals/${id}/notes`, { text: 'Should not be written.' });
      const accept = await api.post(MEHT, `/handoffs/${first}/accept`, {});

      // Assess
      expect(detail.status).toBe(200);
      expect(detail.body.allowedActions).toEqual([]);
      expect(detail.body.handoffs.map((h: { id: string; status: string }) => [h.id, h.status])).toEqual([
        [first, answer === 'decline' ? 'declined' : 'withdrawn'],
      ]);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ id: first, allowedActions: [] });
      expect(later.status).toBe(404);
      expect(notes.body.items).toEqual([]);
      expect(note.status).toBe(403);
      expect(accept.status).toBe(403);
      for (const response of [detail, seen, notes]) expectNoLaterText(response);
    },
  );

  it('offered again, it is a current party again: the current record, and it may write notes', async () => {
    // Prepare
    const referral = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    await must(api.post(ECC, `/referrals/${referral.id}/accept`, {}), 200);
    const first = await must(api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }), 201);
    await must(api.post(ECC, `/handoffs/${first.id}/withdraw`, {}), 200);
    await must(api.post(ECC, `/referrals/${referral.id}/notes`, { text: LATER.note }), 201);
    await must(api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Offered again.' }), 201);

    // Act
    const detail = await api.get(MEHT, `/referrals/${referral.id}`);
    const notes = await api.get(MEHT, `/referrals/${referral.id}/notes`);
    const note = await api.post(MEHT, `/referrals/${referral.id}/notes`, { text: 'MEHT reviewing.' });

    // Assess
    expect(detail.body.parties).toContain('meht');
    expect(detail.body.formerParties).toBeUndefined();
    expect(detail.body.handoffs).toHaveLength(2);
    expect(notes.body.items.map((n: { text: string }) => n.text)).toEqual([LATER.note]);
    expect(note.status).toBe(201);
  });

  it('the former owner after an accepted handoff stays a party (it is still the receiver)', async () => {
    // Prepare
    const referral = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    await must(api.post(ECC, `/referrals/${referral.id}/accept`, {}), 200);
    const handoff = await must(
      api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }),
      201,
    );
    await must(api.post(MEHT, `/handoffs/${handoff.id}/accept`, {}), 200);
    await must(api.post(MEHT, `/referrals/${referral.id}/notes`, { text: 'MEHT took over.' }), 201);

    // Act
    const detail = await api.get(ECC, `/referrals/${referral.id}`);
    const notes = await api.get(ECC, `/referrals/${referral.id}/notes`);

    // Assess
    expect(detail.body).toMatchObject({ ownerOrg: 'meht', parties: ['provide', 'ecc', 'meht'] });
    expect(notes.body.items.map((n: { text: string }) => n.text)).toContain('MEHT took over.');
  });
});

describe('subscriptions of a former party', () => {
  it('hear the event it left with, and nothing of the referral after it', async () => {
    // Prepare: MEHT's practitioner hears its org's events; a programme manager hears all (the control).
    const mehtSub = await must(api.post(MEHT, '/subscriptions', { eventTypes: ['*'], channel: { type: 'inbox' } }), 201);
    const pmSub = await must(
      api.post(PM, '/subscriptions', { eventTypes: ['note.added', 'handoff.declined'], channel: { type: 'inbox' } }),
      201,
    );
    const referral = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    await must(api.post(ECC, `/referrals/${referral.id}/accept`, {}), 200);
    const handoff = await must(
      api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }),
      201,
    );
    await must(api.post(MEHT, `/handoffs/${handoff.id}/decline`, { reasonCode: 'no-capacity' }), 200);

    // Act: a later note; wait until the control has heard it.
    await must(api.post(ECC, `/referrals/${referral.id}/notes`, { text: LATER.note }), 201);
    const alertsOf = (who: CallerClaims, subscriptionId: string) => async () =>
      (await readAllPages(api, who, '/alerts?limit=100')).filter(
        (a) => a.subscriptionId === subscriptionId && a.referralId === referral.id,
      );
    const control = await pollUntil(alertsOf(PM, pmSub.id), (alerts) => alerts.some((a) => a.type === 'note.added'), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const former = await pollUntil(alertsOf(MEHT, mehtSub.id), (alerts) => alerts.some((a) => a.type === 'handoff.declined'), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });

    // Assess
    expect(control.map((a) => a.type)).toContain('note.added');
    expect(former.map((a) => a.type)).toContain('handoff.declined');
    expect(former.map((a) => a.type)).not.toContain('note.added');
  }, 120_000);
});
