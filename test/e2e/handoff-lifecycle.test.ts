/**
 * Handoffs of responsibility as their users live them, over HTTP against the local
 * runtime (one runtime for the file): the "Done when" journey (Provide refers to
 * ECC, ECC accepts and hands the person back to Provide, Provide accepts), then the rules
 * around it: one open handoff, who may offer and answer, declined targets, withdraw,
 * programme managers, non-parties, pagination, Idempotency-Key, bad input, If-Match.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handoffApi, unusedUlid, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = handoffApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const PROVIDE: Who = { sub: 'ho-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'ho-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const ECC_COLLEAGUE: Who = { sub: 'ho-ecc-duty-manager', org: 'ecc', roles: ['practitioner'] };
const MEHT: Who = { sub: 'ho-meht-discharge', org: 'meht', roles: ['practitioner'] };
const AGEUK: Who = { sub: 'ho-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
const PM: Who = { sub: 'ho-programme-manager', org: 'ecc', roles: ['programme_manager'] };

const HOUR = 3_600_000;
const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
const paths = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { path: string }) => e.path);

describe('the "Done when" journey: ECC hands a person Provide referred back to Provide', () => {
  let referralId: string;
  let handoffId: string;

  it('Provide refers to ECC and ECC accepts: ECC is responsible', async () => {
    // Prepare
    const referral = await api.refer(PROVIDE, 'ecc');

    // Act
    const accepted = await api.post(ECC, `/referrals/${referral.id}/accept`, { comment: 'Crisis team will visit tonight' });

    // Assess
    expectStatus(accepted, 200);
    expect(accepted.body).toMatchObject({ status: 'accepted', ownerOrg: 'ecc', version: 2 });
    referralId = referral.id;
  });

  it('ECC offers a handoff to Provide: 201, ETag "1", Location /handoffs/{id}, due by the referral’s priority', async () => {
    // Prepare
    const body = { toOrg: 'provide', reason: 'Social care input done; community nursing to lead from here.' };

    // Act
    const reply = await api.post(ECC, `/referrals/${referralId}/handoffs`, body);

    // Assess
    expectStatus(reply, 201);
    handoffId = reply.body.id;
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.headers.get('location')).toBe(`/handoffs/${handoffId}`);
    expect(reply.body).toMatchObject({
      referralId,
      fromOrg: 'ecc',
      toOrg: 'provide',
      reason: body.reason,
      status: 'offered',
      version: 1,
      offeredBy: { sub: ECC.sub, org: 'ecc', role: 'practitioner' },
      allowedActions: ['withdraw'],
    });
    expect(Date.parse(reply.body.dueAt) - Date.parse(reply.body.createdAt)).toBe(2 * HOUR);
  });

  it('Provide sees it in its inbox with [accept, decline]; ECC in its outbox with [withdraw]', async () => {
    // Prepare
    const inboxPath = '/handoffs?box=inbox';
    const outboxPath = '/handoffs?box=outbox';

    // Act
    const inbox = await api.get(PROVIDE, inboxPath);
    const outbox = await api.get(ECC, outboxPath);

    // Assess
    expectStatus(inbox, 200);
    expectStatus(outbox, 200);
    const received = inbox.body.items.find((h: { id: string }) => h.id === handoffId);
    const made = outbox.body.items.find((h: { id: string }) => h.id === handoffId);
    expect(received).toMatchObject({ status: 'offered', fromOrg: 'ecc', toOrg: 'provide' });
    expect([...received.allowedActions].sort()).toEqual(['accept', 'decline']);
    expect(made).toMatchObject({ status: 'offered' });
    expect(made.allowedActions).toEqual(['withdraw']);
  });

  it('while offered, the referral holds the open handoff', async () => {
    // Prepare
    const path = `/referrals/${referralId}`;

    // Act
    const reply = await api.get(ECC, path);

    // Assess
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ ownerOrg: 'ecc', openHandoffId: handoffId, version: 3 });
  });

  it('Provide accepts: 200, the handoff accepted at version 2', async () => {
    // Prepare
    const path = `/handoffs/${handoffId}/accept`;

    // Act
    const reply = await api.post(PROVIDE, path, { comment: 'District nurses will visit tomorrow morning' }, { 'If-Match': '"1"' });

    // Assess
    expectStatus(reply, 200);
    expect(reply.headers.get('etag')).toBe('"2"');
    expect(reply.body).toMatchObject({
      id: handoffId,
      status: 'accepted',
      version: 2,
      answeredBy: { sub: PROVIDE.sub, org: 'provide' },
      allowedActions: [],
    });
  });

  it('GET /referrals/{id}: Provide responsible, no open handoff, the handoff accepted', async () => {
    // Prepare
    const path = `/referrals/${referralId}`;

    // Act
    const reply = await api.get(PROVIDE, path);

    // Assess
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ status: 'accepted', ownerOrg: 'provide', version: 4 });
    expect(reply.body).not.toHaveProperty('openHandoffId');
    expect(reply.body.handoffs).toHaveLength(1);
    expect(reply.body.handoffs[0]).toMatchObject({ id: handoffId, status: 'accepted', fromOrg: 'ecc', toOrg: 'provide' });
    expect(reply.headers.get('etag')).toBe('"4"');
  });

  it('history tells the story: submitted, accepted, handoff offered, handoff accepted; seq 1..4', async () => {
    // Prepare
    const path = `/referrals/${referralId}/history`;

    // Act
    const reply = await api.get(PROVIDE, path);

    // Assess
    expectStatus(reply, 200);
    const events = reply.body.items as { type: string; seq: number; handoffId?: string; data: Record<string, unknown>; comment?: string }[];
    expect(events.map((e) => e.type)).toEqual(['referral.submitted', 'referral.accepted', 'handoff.offered', 'handoff.accepted']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events[0]).not.toHaveProperty('handoffId');
    expect(events[1]).not.toHaveProperty('handoffId');
    expect(events[2]?.handoffId).toBe(handoffId);
    expect(events[3]?.handoffId).toBe(handoffId);
    expect(events[3]?.comment).toBe('District nurses will visit tomorrow morning');
    expect(JSON.stringify(events[3]?.data)).not.toContain('District nurses');
  });

  it('the old owner can no longer complete it; the new owner can', async () => {
    // Prepare
    const path = `/referrals/${referralId}`;

    // Act
    const asEcc = await api.get(ECC, path);
    const asProvide = await api.get(PROVIDE, path);

    // Assess
    expect(asEcc.body.allowedActions).not.toContain('complete');
    expect(asProvide.body.allowedActions).toContain('complete');
  });
});

describe('who may offer, and when', () => {
  it('a second offer while one is open → 409', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    await api.offer(ECC, referral.id, 'meht');

    // Act
    const second = await api.post(ECC_COLLEAGUE, `/referrals/${referral.id}/handoffs`, {
      toOrg: 'ageuk-essex',
      reason: 'Voluntary sector support',
    });

    // Assess
    expectStatus(second, 409);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
  });

  it('an offer on a submitted referral by its owner (the sender) → 409', async () => {
    // Prepare
    const referral = await api.refer(PROVIDE, 'ecc');

    // Act
    const reply = await api.post(PROVIDE, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' });

    // Assess
    expectStatus(reply, 409);
  });

  it('an offer by a party that does not own the referral → 403: the receiver before accepting, the sender after', async () => {
    // Prepare
    const submitted = await api.refer(PROVIDE, 'ecc');
    const accepted = await api.acceptedReferral(PROVIDE, ECC);

    // Act
    const byReceiver = await api.post(ECC, `/referrals/${submitted.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' });
    const bySender = await api.post(PROVIDE, `/referrals/${accepted.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' });

    // Assess
    expectStatus(byReceiver, 403);
    expectStatus(bySender, 403);
  });

  it('an offer to the owner itself → 422 naming toOrg', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);

    // Act
    const reply = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'ecc', reason: 'To ourselves' });

    // Assess
    expectStatus(reply, 422);
    expect(paths(reply)).toEqual(['toOrg']);
  });

  it('an offer to an unknown organisation → 422 naming toOrg, and nothing changes', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);

    // Act
    const reply = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'nowhere-trust', reason: 'Somewhere else' });

    // Assess
    expectStatus(reply, 422);
    expect(paths(reply)).toEqual(['toOrg']);
    const after = await api.get(ECC, `/referrals/${referral.id}`);
    expect(after.body).toMatchObject({ version: 2 });
    expect(after.body).not.toHaveProperty('openHandoffId');
  });
});

describe('a declined target', () => {
  let referralId: string;
  let handoffId: string;

  it('MEHT declines with reasonCode no-capacity: ECC stays responsible, the referral is released', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    referralId = referral.id;
    handoffId = (await api.offer(ECC, referralId, 'meht')).id;

    // Act
    const reply = await api.post(MEHT, `/handoffs/${handoffId}/decline`, {
      reasonCode: 'no-capacity',
      comment: 'No beds on the frailty unit',
    });

    // Assess
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ status: 'declined', reasonCode: 'no-capacity', version: 2 });
    const after = await api.get(ECC, `/referrals/${referralId}`);
    expect(after.body).toMatchObject({ ownerOrg: 'ecc', version: 4 });
    expect(after.body).not.toHaveProperty('openHandoffId');
    // MEHT joined only by the offer: it is now a former party (it reads what it saw, nothing more).
    expect(after.body.parties).not.toContain('meht');
    expect(after.body.formerParties).toEqual([{ org: 'meht', leftAt: expect.any(String), leftSeq: expect.any(Number) }]);
  });

  it('MEHT keeps read access to the referral and the handoff', async () => {
    // Prepare
    const referralPath = `/referrals/${referralId}`;

    // Act
    const referral = await api.get(MEHT, referralPath);
    const handoff = await api.get(MEHT, `/handoffs/${handoffId}`);

    // Assess
    expectStatus(referral, 200);
    expect(referral.body.allowedActions).toEqual([]);
    expectStatus(handoff, 200);
    expect(handoff.body).toMatchObject({ status: 'declined', allowedActions: [] });
  });

  it('MEHT, a former party now, may not offer it on, act on the referral or answer its declined handoff again (403, before the 409 of its status)', async () => {
    // Prepare
    const offerPath = `/referrals/${referralId}/handoffs`;

    // Act
    const offer = await api.post(MEHT, offerPath, { toOrg: 'ageuk-essex', reason: 'Voluntary sector' });
    const complete = await api.post(MEHT, `/referrals/${referralId}/complete`, { outcome: 'other' });
    const accept = await api.post(MEHT, `/handoffs/${handoffId}/accept`, {});
    const declineAgain = await api.post(MEHT, `/handoffs/${handoffId}/decline`, { reasonCode: 'other' });
    const withdraw = await api.post(MEHT, `/handoffs/${handoffId}/withdraw`, {});

    // Assess
    expectStatus(offer, 403);
    expectStatus(complete, 403);
    expectStatus(accept, 403);
    expectStatus(declineAgain, 403);
    expectStatus(withdraw, 403);
  });
});

describe('withdraw', () => {
  it('the offerer withdraws: the handoff is withdrawn, the referral released, and a new offer is possible', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const first = await api.offer(ECC, referral.id, 'meht');

    // Act
    const withdrawn = await api.post(ECC_COLLEAGUE, `/handoffs/${first.id}/withdraw`, { comment: 'Offered to the wrong team' });
    const second = await api.post(ECC, `/referrals/${referral.id}/handoffs`, {
      toOrg: 'ageuk-essex',
      reason: 'Voluntary sector support at home',
    });

    // Assess
    expectStatus(withdrawn, 200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 2, answeredBy: { sub: ECC_COLLEAGUE.sub } });
    expectStatus(second, 201);
    const after = await api.get(ECC, `/referrals/${referral.id}`);
    expect(after.body).toMatchObject({ ownerOrg: 'ecc', openHandoffId: second.body.id });
    expect(after.body.handoffs.map((h: { id: string; status: string }) => [h.id, h.status]).sort()).toEqual(
      [
        [first.id, 'withdrawn'],
        [second.body.id, 'offered'],
      ].sort(),
    );
    // The withdrawn target is a former party: it answers nothing any more (403, not the status's 409).
    const targetAfterWithdraw = await api.post(MEHT, `/handoffs/${first.id}/accept`, {});
    expectStatus(targetAfterWithdraw, 403);
  });
});

describe('a chain of handoffs, and the referral while one is open', () => {
  it('while a handoff is open the referral cannot be completed or cancelled (409)', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    await api.offer(ECC, referral.id, 'meht');

    // Act
    const complete = await api.post(ECC, `/referrals/${referral.id}/complete`, { outcome: 'other' });
    const cancel = await api.post(PROVIDE, `/referrals/${referral.id}/cancel`, { reasonCode: 'no-longer-required' });

    // Assess
    expectStatus(complete, 409);
    expectStatus(cancel, 409);
  });

  it('MEHT accepts and hands on to Age UK Essex: ECC cannot withdraw MEHT’s offer, Age UK accepts and is responsible', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const first = await api.offer(ECC, referral.id, 'meht');
    expectStatus(await api.post(MEHT, `/handoffs/${first.id}/accept`, {}), 200);

    // Act
    const onward = await api.post(MEHT, `/referrals/${referral.id}/handoffs`, {
      toOrg: 'ageuk-essex',
      reason: 'Support at home after discharge',
    });
    const byOldOwner = await api.post(ECC, `/handoffs/${onward.body.id}/withdraw`, {});
    const offerByOldOwner = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'provide', reason: 'Back to community' });
    const accepted = await api.post(AGEUK, `/handoffs/${onward.body.id}/accept`, {});

    // Assess
    expectStatus(onward, 201);
    expect(onward.body).toMatchObject({ fromOrg: 'meht', toOrg: 'ageuk-essex' });
    expectStatus(byOldOwner, 403);
    expectStatus(offerByOldOwner, 403);
    expectStatus(accepted, 200);
    const after = await api.get(AGEUK, `/referrals/${referral.id}`);
    expect(after.body).toMatchObject({ ownerOrg: 'ageuk-essex', version: 6 });
    expect([...after.body.parties].sort()).toEqual(['ageuk-essex', 'ecc', 'meht', 'provide']);
    expect(after.body.allowedActions).toContain('complete');
    const history = await api.get(PROVIDE, `/referrals/${referral.id}/history`);
    expect(history.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('races: exactly one wins, the loser gets 409', () => {
  it.each([1, 2, 3])(
    'accept and withdraw at the same moment (round %i): one 200, one 409, and the referral agrees with the winner',
    async () => {
      // Prepare
      const referral = await api.acceptedReferral(PROVIDE, ECC);
      const handoff = await api.offer(ECC, referral.id, 'meht');

      // Act
      const [accept, withdraw] = await Promise.all([
        api.post(MEHT, `/handoffs/${handoff.id}/accept`, {}),
        api.post(ECC, `/handoffs/${handoff.id}/withdraw`, {}),
      ]);

      // Assess
      expect([accept.status, withdraw.status].sort(), `${accept.text} | ${withdraw.text}`).toEqual([200, 409]);
      const winner = accept.status === 200 ? 'accepted' : 'withdrawn';
      const after = await api.get(PROVIDE, `/referrals/${referral.id}`);
      expect(after.body).toMatchObject({ ownerOrg: winner === 'accepted' ? 'meht' : 'ecc', version: 4 });
      expect(after.body).not.toHaveProperty('openHandoffId');
      expect(after.body.handoffs).toMatchObject([{ id: handoff.id, status: winner, version: 2 }]);
      const history = await api.get(PROVIDE, `/referrals/${referral.id}/history`);
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
        'referral.submitted',
        'referral.accepted',
        'handoff.offered',
        `handoff.${winner}`,
      ]);
    },
  );

  it('two colleagues offer at the same moment to different orgs: one 201, one 409, one open handoff', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);

    // Act
    const replies = await Promise.all([
      api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' }),
      api.post(ECC_COLLEAGUE, `/referrals/${referral.id}/handoffs`, { toOrg: 'ageuk-essex', reason: 'Voluntary sector' }),
    ]);

    // Assess
    expect(replies.map((r) => r.status).sort(), replies.map((r) => r.text).join(' | ')).toEqual([201, 409]);
    const winner = replies.find((r) => r.status === 201)!.body;
    const after = await api.get(ECC, `/referrals/${referral.id}`);
    expect(after.body.openHandoffId).toBe(winner.id);
    expect(after.body.handoffs.map((h: { id: string }) => h.id)).toEqual([winner.id]);
    expect(after.body.parties).toContain(winner.toOrg);
    expect(after.body.parties).not.toContain(winner.toOrg === 'meht' ? 'ageuk-essex' : 'meht');
  });
});

describe('programme managers and non-parties', () => {
  it('a programme manager reads handoffs (one and lists) but may not offer or answer (403)', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const handoff = await api.offer(ECC, referral.id, 'meht');

    // Act
    const one = await api.get(PM, `/handoffs/${handoff.id}`);
    const list = await api.get(PM, '/handoffs?box=inbox&org=meht&status=offered');
    const offer = await api.post(PM, `/referrals/${referral.id}/handoffs`, { toOrg: 'ageuk-essex', reason: 'x' });
    const answers = await Promise.all(
      [
        ['accept', {}],
        ['decline', { reasonCode: 'other' }],
        ['withdraw', {}],
      ].map(([action, body]) => api.post(PM, `/handoffs/${handoff.id}/${action}`, body)),
    );

    // Assess
    expectStatus(one, 200);
    expect(one.body).toMatchObject({ id: handoff.id, allowedActions: [] });
    expectStatus(list, 200);
    expect(list.body.items.map((h: { id: string }) => h.id)).toContain(handoff.id);
    expectStatus(offer, 403);
    for (const reply of answers) expectStatus(reply, 403);
    const after = await api.get(ECC, `/handoffs/${handoff.id}`);
    expect(after.body).toMatchObject({ status: 'offered', version: 1 });
  });

  it('a non-party gets 404 on GET /handoffs/{id}, with the same problem as for a random id', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const handoff = await api.offer(ECC, referral.id, 'meht');
    const headers = { 'X-Correlation-Id': 'ho-non-party' };

    // Act
    const hidden = await api.get(AGEUK, `/handoffs/${handoff.id}`, headers);
    const missing = await api.get(AGEUK, `/handoffs/${unusedUlid()}`, headers);

    // Assess
    expectStatus(hidden, 404);
    expectStatus(missing, 404);
    const { instance: _a, ...hiddenProblem } = hidden.body;
    const { instance: _b, ...missingProblem } = missing.body;
    expect(hiddenProblem).toEqual(missingProblem);
    expect(hidden.text).not.toContain(referral.id);
  });

  it('reads of a handoff are in the referral’s access log as “handoff” (and list reads as “handoff-list”)', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const handoff = await api.offer(ECC, referral.id, 'meht');

    // Act
    expectStatus(await api.get(PM, `/handoffs/${handoff.id}`), 200);
    expectStatus(await api.get(MEHT, '/handoffs?box=inbox&status=offered&limit=100'), 200);
    const log = await api.get(PROVIDE, `/referrals/${referral.id}/access-log`);

    // Assess
    expectStatus(log, 200);
    const entries = log.body.items.map((e: { actor: { sub: string }; what: string }) => [e.actor.sub, e.what]);
    expect(entries).toEqual(
      expect.arrayContaining([
        [PM.sub, 'handoff'],
        [MEHT.sub, 'handoff-list'],
      ]),
    );
  });
});

describe('GET /handoffs pagination', () => {
  it('limit=2 over five offers to one org returns each exactly once, newest first', async () => {
    // Prepare: five referrals Provide → ECC, accepted, each offered to Age UK Essex
    const offered: string[] = [];
    for (let i = 0; i < 5; i++) {
      const referral = await api.acceptedReferral(PROVIDE, ECC);
      offered.push((await api.offer(ECC, referral.id, 'ageuk-essex')).id);
    }

    // Act
    const { items, pages } = await api.allPages(AGEUK, '/handoffs?box=inbox&status=offered&limit=2');

    // Assess
    const ids = items.map((h: { id: string }) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of offered) expect(ids.filter((x: string) => x === id)).toHaveLength(1);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    for (const h of items) expect(h.status).toBe('offered');
    const positions = offered.map((id) => ids.indexOf(id));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it('a cursor is bound to its query and its caller: reused on the outbox or by someone else → 400', async () => {
    // Prepare: at least three offers to Age UK Essex, so that a first page of two has a next
    for (let i = 0; i < 3; i++) await api.offer(ECC, (await api.acceptedReferral(PROVIDE, ECC)).id, 'ageuk-essex');
    const first = await api.get(AGEUK, '/handoffs?box=inbox&status=offered&limit=2');
    expectStatus(first, 200);
    const cursor = encodeURIComponent(first.body.nextCursor);

    // Act
    const sameQuery = await api.get(AGEUK, `/handoffs?box=inbox&status=offered&limit=2&cursor=${cursor}`);
    const otherBox = await api.get(AGEUK, `/handoffs?box=outbox&status=offered&limit=2&cursor=${cursor}`);
    const otherCaller = await api.get(
      { ...AGEUK, sub: 'ho-ageuk-volunteer' },
      `/handoffs?box=inbox&status=offered&limit=2&cursor=${cursor}`,
    );

    // Assess
    expectStatus(sameQuery, 200);
    expectStatus(otherBox, 400);
    expectStatus(otherCaller, 400);
  });

  it('a bad limit or cursor → 400', async () => {
    // Prepare
    const base = '/handoffs?box=inbox';

    // Act
    const badLimit = await api.get(AGEUK, `${base}&limit=0`);
    const badCursor = await api.get(AGEUK, `${base}&cursor=not-a-cursor`);

    // Assess
    expectStatus(badLimit, 400);
    expectStatus(badCursor, 400);
  });
});

describe('Idempotency-Key, bad input and If-Match', () => {
  it('Idempotency-Key on an offer replays the same handoff, and makes only one', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const body = { toOrg: 'meht', reason: 'Acute team to lead' };
    const headers = { 'Idempotency-Key': `ho-offer-${referral.id}` };

    // Act
    const first = await api.post(ECC, `/referrals/${referral.id}/handoffs`, body, headers);
    const replay = await api.post(ECC, `/referrals/${referral.id}/handoffs`, body, headers);

    // Assess
    expectStatus(first, 201);
    expectStatus(replay, 201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('location')).toBe(`/handoffs/${first.body.id}`);
    expect(replay.headers.get('etag')).toBe('"1"');
    const history = await api.get(ECC, `/referrals/${referral.id}/history`);
    expect(history.body.items.filter((e: { type: string }) => e.type === 'handoff.offered')).toHaveLength(1);
  });

  it.each([
    ['GET', ''],
    ['POST', '/accept'],
  ] as const)('a malformed handoff id in the path (%s) → 400', async (method, suffix) => {
    // Prepare
    const path = `/handoffs/not-a-handoff-id${suffix}`;

    // Act
    const reply = method === 'GET' ? await api.get(MEHT, path) : await api.post(MEHT, path, {});

    // Assess
    expectStatus(reply, 400);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
  });

  it('decline without reasonCode → 400 naming reasonCode, and nothing changes', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const handoff = await api.offer(ECC, referral.id, 'meht');

    // Act
    const reply = await api.post(MEHT, `/handoffs/${handoff.id}/decline`, { comment: 'No beds' });

    // Assess
    expectStatus(reply, 400);
    expect(paths(reply)).toContain('reasonCode');
    const after = await api.get(MEHT, `/handoffs/${handoff.id}`);
    expect(after.body).toMatchObject({ status: 'offered', version: 1 });
  });

  it('the same Idempotency-Key with another body → 422; without a key a repeat is a new request (409: one is open)', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const headers = { 'Idempotency-Key': `ho-offer-other-${referral.id}` };
    const first = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' }, headers);

    // Act
    const otherBody = await api.post(
      ECC,
      `/referrals/${referral.id}/handoffs`,
      { toOrg: 'ageuk-essex', reason: 'Voluntary sector' },
      headers,
    );
    const noKey = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'meht', reason: 'Acute team' });

    // Assess
    expectStatus(first, 201);
    expectStatus(otherBody, 422);
    expectStatus(noKey, 409);
  });

  it.each([
    { name: 'an unknown field', body: { toOrg: 'meht', reason: 'Acute team', priority: 'urgent' }, path: 'priority' },
    { name: 'no reason', body: { toOrg: 'meht' }, path: 'reason' },
    { name: 'a toOrg that is not an org id', body: { toOrg: 'Mid Essex!', reason: 'Acute team' }, path: 'toOrg' },
  ])('an offer with $name → 400 naming $path, and nothing changes', async ({ body, path }) => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);

    // Act
    const reply = await api.post(ECC, `/referrals/${referral.id}/handoffs`, body);

    // Assess
    expectStatus(reply, 400);
    expect(paths(reply)).toContain(path);
    const after = await api.get(ECC, `/referrals/${referral.id}`);
    expect(after.body.version).toBe(2);
  });

  it('decline with no body at all → 415 problem (the middleware’s rule for a body route), nothing changes; accept with no body at all → 200', async () => {
    // Prepare
    const first = await api.offer(ECC, (await api.acceptedReferral(PROVIDE, ECC)).id, 'meht');
    const second = await api.offer(ECC, (await api.acceptedReferral(PROVIDE, ECC)).id, 'meht');

    // Act
    const decline = await api.post(MEHT, `/handoffs/${first.id}/decline`);
    const accept = await api.post(MEHT, `/handoffs/${second.id}/accept`);

    // Assess
    expectStatus(decline, 415);
    expect(decline.headers.get('content-type')).toBe('application/problem+json');
    expect((await api.get(MEHT, `/handoffs/${first.id}`)).body).toMatchObject({ status: 'offered', version: 1 });
    expectStatus(accept, 200);
    expect(accept.body.status).toBe('accepted');
  });

  it.each(['box=sideways', 'status=open', 'limit=101', 'org=Not An Org'])('GET /handoffs?%s → 400', async (query) => {
    // Prepare
    const path = `/handoffs?${query}`;

    // Act
    const reply = await api.get(PM, path);

    // Assess
    expectStatus(reply, 400);
  });

  it('a stale If-Match on an offer (the referral’s version) → 412; the current one → 201', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const path = `/referrals/${referral.id}/handoffs`;
    const body = { toOrg: 'meht', reason: 'Acute team' };

    // Act
    const stale = await api.post(ECC, path, body, { 'If-Match': '"1"' });
    const current = await api.post(ECC, path, body, { 'If-Match': '"2"' });

    // Assess
    expectStatus(stale, 412);
    expectStatus(current, 201);
  });

  it('a stale If-Match on accept → 412, and nothing changes', async () => {
    // Prepare
    const referral = await api.acceptedReferral(PROVIDE, ECC);
    const handoff = await api.offer(ECC, referral.id, 'meht');

    // Act
    const reply = await api.post(MEHT, `/handoffs/${handoff.id}/accept`, {}, { 'If-Match': '"7"' });

    // Assess
    expectStatus(reply, 412);
    const after = await api.get(MEHT, `/handoffs/${handoff.id}`);
    expect(after.body).toMatchObject({ status: 'offered', version: 1 });
    expect(after.headers.get('etag')).toBe('"1"');
  });
});
