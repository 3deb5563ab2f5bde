/**
 * A referral's life as its users live it, over HTTP against the local runtime: the
 * issue's "Done when" journey (Provide refers a person to ECC; ECC triages, asks for
 * information, accepts and completes; MEHT never learns of it; history and access log
 * tell the story), then list pagination and cursors, then Idempotency-Key.
 *
 * The journey's steps share one runtime and run in order; later describes only add
 * referrals, so the journey's inbox assertions see exactly its own two referrals.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  randomNhsNumber,
  readAllPages,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const PROVIDE: CallerClaims = { sub: 'life-provide-nurse', org: 'provide', roles: ['practitioner'] };
const PROVIDE_COLLEAGUE: CallerClaims = { sub: 'life-provide-therapist', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'life-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const ECC_COLLEAGUE: CallerClaims = { sub: 'life-ecc-duty-manager', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'life-meht-discharge', org: 'meht', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'life-programme-manager', org: 'ecc', roles: ['programme_manager'] };

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expectStatus = (response: ApiResponse, status: number) => expect(response.status, `${response.status} ${response.text}`).toBe(status);
const ids = (items: { id: string }[]) => items.map((item) => item.id);

interface ReferralView {
  id: string;
  status: string;
  version: number;
  createdAt: string;
  dueAt: string;
  ownerOrg: string;
  [key: string]: unknown;
}

describe('the "Done when" journey: Provide refers a person to ECC', () => {
  let urgent: ReferralView;
  let routine: ReferralView;
  const nhsNumber = randomNhsNumber();
  let dueBeforeInfoRequest: string;

  it('Provide refers one person urgently and another routinely: both submitted, Provide responsible, due by priority', async () => {
    // Prepare
    const urgentBody = referralBody({ priority: 'urgent', serviceArea: 'rapid-response', subject: { nhsNumber, name: 'Edith Marsh' } });
    const routineBody = referralBody({ priority: 'routine', serviceArea: 'joint-referral' });

    // Act
    const first = await api.post(PROVIDE, '/referrals', urgentBody);
    const second = await api.post(PROVIDE, '/referrals', routineBody);

    // Assess
    expectStatus(first, 201);
    expectStatus(second, 201);
    urgent = first.body;
    routine = second.body;
    for (const referral of [urgent, routine]) {
      expect(referral).toMatchObject({ fromOrg: 'provide', toOrg: 'ecc', ownerOrg: 'provide', status: 'submitted', version: 1 });
      expect(referral.parties).toEqual(expect.arrayContaining(['provide', 'ecc']));
    }
    expect(Date.parse(urgent.dueAt) - Date.parse(urgent.createdAt)).toBe(2 * HOUR);
    expect(Date.parse(routine.dueAt) - Date.parse(routine.createdAt)).toBe(120 * HOUR);
    expect(first.headers.get('location')).toBe(`/referrals/${urgent.id}`);
  });

  it('ECC’s inbox sorted by due time puts the urgent one first; newest first puts the routine one first', async () => {
    // Prepare
    const byDue = '/referrals?box=inbox&sort=due';

    // Act
    const due = await api.get(ECC, byDue);
    const newest = await api.get(ECC, '/referrals?box=inbox');

    // Assess
    expectStatus(due, 200);
    expect(ids(due.body.items)).toEqual([urgent.id, routine.id]);
    expect(ids(newest.body.items)).toEqual([routine.id, urgent.id]);
  });

  it('ECC sees what it may do now (accept, decline, redirect, request-info); Provide may amend or cancel', async () => {
    // Prepare
    const path = `/referrals/${urgent.id}`;

    // Act
    const asEcc = await api.get(ECC, path);
    const asProvide = await api.get(PROVIDE, path);

    // Assess
    expectStatus(asEcc, 200);
    expect([...asEcc.body.allowedActions].sort()).toEqual(['accept', 'decline', 'redirect', 'request-info']);
    expect([...asProvide.body.allowedActions].sort()).toEqual(['amend', 'cancel']);
    expect(asEcc.headers.get('etag')).toBe('"1"');
    expect(asEcc.body.subject).toMatchObject({ nhsNumber, name: 'Edith Marsh' });
  });

  it('MEHT, no party, gets 404 on the referral and finds nothing by the NHS number', async () => {
    // Prepare
    const path = `/referrals/${urgent.id}`;

    // Act
    const get = await api.get(MEHT, path);
    const search = await api.post(MEHT, '/referrals/search', { nhsNumber });

    // Assess
    expectStatus(get, 404);
    expect(get.headers.get('content-type')).toBe('application/problem+json');
    expectStatus(search, 200);
    expect(search.body).toEqual({ items: [] });
  });

  it('ECC asks for information: the clock pauses', async () => {
    // Prepare
    dueBeforeInfoRequest = urgent.dueAt;

    // Act
    const response = await api.post(ECC, `/referrals/${urgent.id}/request-info`, { comment: 'Is anyone staying with her overnight?' });

    // Assess
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ status: 'info_requested', version: 2, dueAt: dueBeforeInfoRequest });
    const inbox = await api.get(ECC, '/referrals?box=inbox&status=submitted');
    expect(ids(inbox.body.items)).not.toContain(urgent.id);
  });

  it('Provide answers ~1.5 s later: submitted again, due later by the wait', async () => {
    // Prepare
    await sleep(1500);

    // Act
    const response = await api.post(PROVIDE, `/referrals/${urgent.id}/provide-info`, { comment: 'Her son stays until Friday.' });

    // Assess
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ status: 'submitted', version: 3 });
    const moved = Date.parse(response.body.dueAt) - Date.parse(dueBeforeInfoRequest);
    expect(moved).toBeGreaterThanOrEqual(1000);
    expect(moved).toBeLessThan(10_000);
  });

  it('ECC accepts: ECC is now responsible, and may only complete', async () => {
    // Prepare
    const path = `/referrals/${urgent.id}`;

    // Act
    const response = await api.post(ECC, `${path}/accept`, { comment: 'Rapid response visit today.' });

    // Assess
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ status: 'accepted', ownerOrg: 'ecc', version: 4 });
    expect((await api.get(ECC, path)).body.allowedActions).toEqual(['complete']);
    expect((await api.get(PROVIDE, path)).body.allowedActions).toEqual(['cancel']);
    const owned = await api.get(ECC, '/referrals?box=owned');
    expect(ids(owned.body.items)).toContain(urgent.id);
  });

  it('ECC completes with the outcome admission-avoided', async () => {
    // Prepare
    const body = { outcome: 'admission-avoided', comment: 'Stayed at home with a care package.' };

    // Act
    const response = await api.post(ECC, `/referrals/${urgent.id}/complete`, body);

    // Assess
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ status: 'completed', outcome: 'admission-avoided', ownerOrg: 'ecc', version: 5 });
    expect((await api.get(ECC, `/referrals/${urgent.id}`)).body.allowedActions).toEqual([]);
  });

  it('history tells the story in order: seq 1–5 with the comments on the information exchange', async () => {
    // Prepare
    const path = `/referrals/${urgent.id}/history`;

    // Act
    const response = await api.get(ECC, path);

    // Assess
    expectStatus(response, 200);
    const events = response.body.items as { type: string; seq: number; actor: { org: string }; comment?: string; referralId: string }[];
    expect(events.map((e) => [e.seq, e.type, e.actor.org])).toEqual([
      [1, 'referral.submitted', 'provide'],
      [2, 'referral.info_requested', 'ecc'],
      [3, 'referral.info_provided', 'provide'],
      [4, 'referral.accepted', 'ecc'],
      [5, 'referral.completed', 'ecc'],
    ]);
    expect(events[1]?.comment).toBe('Is anyone staying with her overnight?');
    expect(events[2]?.comment).toBe('Her son stays until Friday.');
    expect(events.every((e) => e.referralId === urgent.id)).toBe(true);
    expect(response.body.nextCursor).toBeUndefined();
  });

  it('the access log lists who read it and what: ECC’s and others’ detail, list, history and search reads; not MEHT', async () => {
    // Prepare
    await api.get(PM, `/referrals/${urgent.id}`);
    await api.post(ECC, '/referrals/search', { nhsNumber });

    // Act
    const response = await api.get(ECC, `/referrals/${urgent.id}/access-log?limit=100`);

    // Assess
    expectStatus(response, 200);
    const entries = response.body.items as { at: string; actor: { sub: string; org: string; role: string }; what: string }[];
    const seen = new Set(entries.map((e) => `${e.actor.sub}/${e.actor.org}/${e.what}`));
    for (const expected of [
      `${ECC.sub}/ecc/detail`,
      `${ECC.sub}/ecc/list`,
      `${ECC.sub}/ecc/history`,
      `${ECC.sub}/ecc/search`,
      `${PROVIDE.sub}/provide/detail`,
      `${PM.sub}/ecc/detail`,
    ]) {
      expect(seen, expected).toContain(expected);
    }
    expect(entries.find((e) => e.actor.sub === PM.sub)?.actor.role).toBe('programme_manager');
    expect(entries.some((e) => e.actor.org === 'meht')).toBe(false);
    const times = entries.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
  });
});

describe('pagination of ECC’s inbox', () => {
  const created: ReferralView[] = [];

  beforeAll(async () => {
    // Seven referrals whose due order differs from their creation order.
    const priorities = ['routine', 'urgent', 'soon', 'routine', 'urgent', 'soon', 'urgent'];
    for (const priority of priorities) {
      const response = await api.post(PROVIDE, '/referrals', referralBody({ priority }));
      expectStatus(response, 201);
      created.push(response.body);
    }
  });

  /** Every page of a query at `limit`, following `nextCursor`. */
  const pages = async (caller: CallerClaims, query: string, limit: number): Promise<ReferralView[][]> => {
    const result: ReferralView[][] = [];
    let cursor: string | undefined;
    do {
      const response = await api.get(caller, `/referrals?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expectStatus(response, 200);
      result.push(response.body.items);
      cursor = response.body.nextCursor;
      if (result.length > 50) throw new Error('pagination does not end');
    } while (cursor);
    return result;
  };

  const QUERIES = [
    'box=inbox&sort=newest',
    'box=inbox&sort=due',
    'box=inbox&sort=newest&status=submitted',
    'box=inbox&sort=due&status=submitted',
  ];

  it.each(QUERIES)('%s in pages of 3: every referral exactly once, in order', async (query) => {
    // Prepare
    const whole = await api.get(ECC, `/referrals?${query}&limit=100`);
    expectStatus(whole, 200);

    // Act
    const paged = await pages(ECC, query, 3);

    // Assess
    const flat = paged.flat();
    expect(paged.every((page) => page.length <= 3)).toBe(true);
    expect(paged.slice(0, -1).every((page) => page.length === 3)).toBe(true);
    expect(new Set(ids(flat)).size).toBe(flat.length);
    expect(ids(flat)).toEqual(ids(whole.body.items));
    expect(ids(flat)).toEqual(expect.arrayContaining(ids(created)));
    const sortKey = query.includes('sort=due') ? (r: ReferralView) => `${r.dueAt}#${r.id}` : (r: ReferralView) => `${r.createdAt}#${r.id}`;
    const keys = flat.map(sortKey);
    expect(keys).toEqual(query.includes('sort=due') ? [...keys].sort() : [...keys].sort().reverse());
    if (query.includes('status=submitted')) expect(flat.every((r) => r.status === 'submitted')).toBe(true);
    else expect(flat.some((r) => r.status !== 'submitted')).toBe(true);
  });

  const problemNames = (response: ApiResponse, field: string) => {
    expectStatus(response, 400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  };

  describe('a cursor is bound to its caller and query, and tamper-evident', () => {
    let cursor: string;

    beforeAll(async () => {
      const first = await api.get(ECC, '/referrals?box=inbox&status=submitted&limit=3');
      expectStatus(first, 200);
      cursor = first.body.nextCursor;
      expect(cursor).toEqual(expect.any(String));
    });

    it('the caller it was issued to may follow it', async () => {
      // Prepare
      const path = `/referrals?box=inbox&status=submitted&limit=3&cursor=${encodeURIComponent(cursor)}`;

      // Act
      const response = await api.get(ECC, path);

      // Assess
      expectStatus(response, 200);
      expect(response.body.items).toHaveLength(3);
    });

    const MISUSES: [string, CallerClaims, (cursor: string) => string][] = [
      ['reused by a colleague of the same org', ECC_COLLEAGUE, (c) => `box=inbox&status=submitted&limit=3&cursor=${c}`],
      ['reused by a programme manager', PM, (c) => `box=inbox&status=submitted&limit=3&cursor=${c}`],
      ['with another status', ECC, (c) => `box=inbox&status=accepted&limit=3&cursor=${c}`],
      ['without the status', ECC, (c) => `box=inbox&limit=3&cursor=${c}`],
      ['with another sort', ECC, (c) => `box=inbox&status=submitted&sort=due&limit=3&cursor=${c}`],
      ['with another box', ECC, (c) => `box=owned&status=submitted&limit=3&cursor=${c}`],
      [
        'with a character of its payload changed',
        ECC,
        (c) => `box=inbox&status=submitted&limit=3&cursor=${(c[0] === 'e' ? 'f' : 'e') + c.slice(1)}`,
      ],
      ['with its signature cut short', ECC, (c) => `box=inbox&status=submitted&limit=3&cursor=${c.slice(0, -2)}`],
      ['made up', ECC, () => `box=inbox&status=submitted&limit=3&cursor=bm90LWEtY3Vyc29y`],
    ];

    it.each(MISUSES)('%s → 400 naming cursor', async (_case, caller, query) => {
      // Prepare
      const path = `/referrals?${query(encodeURIComponent(cursor))}`;

      // Act
      const response = await api.get(caller, path);

      // Assess
      problemNames(response, 'cursor');
    });
  });

  it.each(['0', '101', 'abc', '-1', '2.5'])('limit=%s → 400 naming limit', async (limit) => {
    // Prepare
    const path = `/referrals?box=inbox&limit=${limit}`;

    // Act
    const response = await api.get(ECC, path);

    // Assess
    problemNames(response, 'limit');
  });
});

describe('Idempotency-Key on POST /referrals', () => {
  const outboxCount = async () => (await readAllPages(api, PROVIDE, '/referrals?box=outbox&limit=100')).length;
  const personCount = async (nhsNumber: string) => {
    const response = await api.post(PROVIDE, '/referrals/search', { nhsNumber });
    expectStatus(response, 200);
    return response.body.items.length as number;
  };
  const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

  it('the same key and body twice → the same referral, 201 both times, made once', async () => {
    // Prepare
    const body = referralBody();
    const key = `idem-${randomUUID()}`;
    const before = await outboxCount();

    // Act
    const first = await api.post(PROVIDE, '/referrals', body, withKey(key));
    const second = await api.post(PROVIDE, '/referrals', body, withKey(key));

    // Assess
    expectStatus(first, 201);
    expectStatus(second, 201);
    expect(second.body).toEqual(first.body);
    expect(await outboxCount()).toBe(before + 1);
    expect(await personCount(body.subject.nhsNumber)).toBe(1);
  });

  it('the same key with another body → 422, nothing more is made, and the original still replays', async () => {
    // Prepare
    const body = referralBody();
    const key = `idem-${randomUUID()}`;
    const first = await api.post(PROVIDE, '/referrals', body, withKey(key));
    expectStatus(first, 201);
    const before = await outboxCount();

    // Act
    const other = await api.post(PROVIDE, '/referrals', { ...body, priority: 'routine' }, withKey(key));
    const replay = await api.post(PROVIDE, '/referrals', body, withKey(key));

    // Assess
    expectStatus(other, 422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect(other.body.errors.map((e: { path: string }) => e.path)).toContain('Idempotency-Key');
    expectStatus(replay, 201);
    expect(replay.body.id).toBe(first.body.id);
    expect(await outboxCount()).toBe(before);
    expect(await personCount(body.subject.nhsNumber)).toBe(1);
  });

  it('the same key from another user → a new referral', async () => {
    // Prepare
    const body = referralBody();
    const key = `idem-${randomUUID()}`;
    const mine = await api.post(PROVIDE, '/referrals', body, withKey(key));

    // Act
    const theirs = await api.post(PROVIDE_COLLEAGUE, '/referrals', body, withKey(key));

    // Assess
    expectStatus(mine, 201);
    expectStatus(theirs, 201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await personCount(body.subject.nhsNumber)).toBe(2);
  });

  it('8 concurrent creates with one key → one referral; the others replay it or get 409 while it is in flight (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const body = referralBody();
      const key = `idem-${randomUUID()}`;
      const before = await outboxCount();

      // Act
      const responses = await Promise.all(Array.from({ length: 8 }, () => api.post(PROVIDE, '/referrals', body, withKey(key))));

      // Assess
      const report = JSON.stringify(responses.map((r) => [r.status, r.body?.id ?? r.body?.detail]));
      const succeeded = responses.filter((r) => r.status >= 200 && r.status < 300);
      const others = responses.filter((r) => r.status < 200 || r.status >= 300);
      expect(succeeded.length, report).toBeGreaterThanOrEqual(1);
      expect(new Set(succeeded.map((r) => r.body.id)).size, report).toBe(1);
      expect(
        succeeded.every((r) => r.status === 201),
        report,
      ).toBe(true);
      expect(
        others.map((r) => r.status),
        report,
      ).toEqual(others.map(() => 409));
      expect(await outboxCount(), report).toBe(before + 1);
      expect(await personCount(body.subject.nhsNumber), report).toBe(1);
    }
  });
});
