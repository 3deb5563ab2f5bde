/**
 * Records retention and the person's rights (docs/records-retention.md), over HTTP against
 * the local runtime started as `npm start` starts it, with the closed-referral retention
 * shortened to seconds (`JOINTLY_RETENTION`) and the local TTL reaper running every second:
 * - a closed referral is disposed of: every read of it 404s, its person finds only what is
 *   still held, its figures stay in `/metrics/summary`, and its partition keeps only the
 *   `referral.disposed` event, which holds no personal data;
 * - `POST /subjects/export` returns everything held about one NHS number across
 *   organisations, and only that person's, as JSON and CSV, and is itself access-logged;
 * - `POST /subjects/erase` erases with a reason code, and bad input writes nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ulid } from 'ulid';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { QueryCommand } from '#shared/platform/dynamodb/document-client.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  randomNhsNumber,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

/** The referral answers 404 to its own practitioner, within 20 s (the reaper runs every second). */
const disposedOf = (id: string) =>
  pollUntil(
    async () => (await api.get(ECC, `/referrals/${id}`)).status,
    (status) => status === 404,
    { timeoutMs: 20_000, intervalMs: 250 },
  );

let runtime: RuntimeProcess;
let api: ReferralApi;
const tableName = `e2e-retention-${ulid().toLowerCase()}`;

const PROVIDE: CallerClaims = { sub: 'rr-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'rr-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'rr-meht-discharge', org: 'meht', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'rr-programme-manager', org: 'ecc', roles: ['programme_manager'] };
const IG: CallerClaims = { sub: 'rr-ig-lead', org: 'provide', roles: ['programme_manager', 'information_governance'] };
const IG_ONLY: CallerClaims = { sub: 'rr-ig-only', org: 'provide', roles: ['information_governance'] };

/** What `POST /subjects/export` answers (the fields read here). */
interface SubjectBundle {
  readonly nhsNumber: string;
  readonly referrals: readonly {
    readonly referral: { readonly id: string };
    readonly handoffs: readonly unknown[];
    readonly events: readonly { readonly type: string }[];
    readonly notes: readonly { readonly text: string }[];
    readonly accessLog: readonly { readonly actor: { readonly sub: string } }[];
  }[];
  readonly files: Readonly<Record<string, string>>;
}

/** The closed-referral retention of this runtime. */
const RETENTION_SECONDS = 3;

beforeAll(async () => {
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    JOINTLY_TABLE_NAME: tableName,
    JOINTLY_RETENTION: JSON.stringify({ closedReferral: `PT${RETENTION_SECONDS}S` }),
    JOINTLY_TTL_SWEEP_SECONDS: '1',
  });
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

const drain = async () => must(api.post(undefined, '/_local/drain'), 200);

/** Every item left in a referral's partition, read from the table itself. */
const partitionOf = async (id: string): Promise<Record<string, unknown>[]> => {
  const client = createDocumentClient({ endpoint: inject('dynamodbEndpoint') });
  const { Items = [] } = await client.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REFERRAL#${id}` } }),
  );
  return Items;
};

/** A referral from Provide to ECC for `nhsNumber`, with a note. */
const openReferral = async (nhsNumber: string, reason = 'Lives alone; two falls this month.') => {
  const referral = await must(
    api.post(
      PROVIDE,
      '/referrals',
      referralBody({ subject: { nhsNumber, name: 'Retention Test', dateOfBirth: '1941-03-07', postcode: 'CM1 1AA' }, reason }),
    ),
    201,
  );
  await must(api.post(ECC, `/referrals/${referral.id}/notes`, { text: `ECC note on ${referral.id}` }), 201);
  return referral.id as string;
};

describe('a closed referral past its retention', () => {
  const nhsNumber = randomNhsNumber();
  let closedId: string;
  let openId: string;
  let handoffId: string;
  let figuresBefore: unknown;

  beforeAll(async () => {
    closedId = await openReferral(nhsNumber, 'CLOSED-REASON: frail, lives alone.');
    openId = await openReferral(nhsNumber);
    await must(api.post(ECC, `/referrals/${closedId}/accept`, {}), 200);
    // A handoff ECC offered and MEHT declined: its pointer must go too.
    const handoff = await must(
      api.post(ECC, `/referrals/${closedId}/handoffs`, { toOrg: 'meht', reason: 'MEHT discharge hub holds this.' }),
      201,
    );
    handoffId = handoff.id;
    await must(api.post(MEHT, `/handoffs/${handoffId}/decline`, { reasonCode: 'no-capacity' }), 200);
    await must(api.post(ECC, `/referrals/${closedId}/complete`, { outcome: 'admission-avoided' }), 200);
    await drain();
    figuresBefore = (await must(api.get(PM, '/metrics/summary'), 200)) as unknown;
  });

  it('is disposed of: the referral, its history, notes, access log and handoff all answer 404', async () => {
    // Act: the reaper removes it once its retention has run, and the disposer the rest.
    const status = await disposedOf(closedId);

    // Assess
    expect(status).toBe(404);
    for (const path of [`/referrals/${closedId}/history`, `/referrals/${closedId}/notes`, `/referrals/${closedId}/access-log`]) {
      expect((await api.get(ECC, path)).status, path).toBe(404);
      expect((await api.get(PM, path)).status, path).toBe(404);
    }
    expect((await api.get(MEHT, `/handoffs/${handoffId}`)).status).toBe(404);
  });

  it('is in no list or search, while the same person’s open referral still is', async () => {
    // Act
    await disposedOf(closedId);
    const search = await must(api.post(PM, '/referrals/search', { nhsNumber }), 200);
    const owned = await must(api.get(ECC, '/referrals?box=owned&status=completed&limit=100'), 200);
    const inbox = await must(api.get(ECC, '/referrals?box=inbox&limit=100'), 200);

    // Assess
    expect(search.items.map((r: { id: string }) => r.id)).toEqual([openId]);
    expect(owned.items.map((r: { id: string }) => r.id)).not.toContain(closedId);
    expect(inbox.items.map((r: { id: string }) => r.id)).not.toContain(closedId);
  });

  it('keeps its figures in /metrics/summary', async () => {
    // Prepare
    await disposedOf(closedId);
    await drain();

    // Act
    const figuresAfter = await must(api.get(PM, '/metrics/summary'), 200);

    // Assess
    expect(figuresAfter).toEqual(figuresBefore);
  });

  it('leaves only the referral.disposed event in its partition, holding no personal data', async () => {
    // Act
    const left = await pollUntil(
      () => partitionOf(closedId),
      (items) => items.length === 1,
      { timeoutMs: 20_000, intervalMs: 250 },
    );

    // Assess
    expect(left[0]).toMatchObject({
      entity: 'event',
      type: 'referral.disposed',
      data: { cause: 'retention', status: 'completed', fromOrg: 'provide', toOrg: 'ecc' },
    });
    const text = JSON.stringify(left[0]);
    expect(text).not.toContain(nhsNumber);
    expect(text).not.toContain('CLOSED-REASON');
    expect(text).not.toContain('Retention Test');
  });
});

describe('POST /subjects/export', () => {
  const person = randomNhsNumber();
  const other = randomNhsNumber();
  let ids: string[];
  let otherId: string;

  beforeAll(async () => {
    ids = [await openReferral(person, 'PERSON-REASON-1'), await openReferral(person, 'PERSON-REASON-2')];
    await must(api.post(ECC, `/referrals/${ids[0]}/accept`, {}), 200);
    await must(api.post(ECC, `/referrals/${ids[0]}/handoffs`, { toOrg: 'meht', reason: 'Over to MEHT.' }), 201);
    otherId = await openReferral(other, 'OTHER-PERSON-REASON');
    // A read to show in the access log.
    await must(api.get(PM, `/referrals/${ids[1]}`), 200);
  });

  it('returns every referral, handoff, event, note and access-log entry of the person, and nothing of anyone else', async () => {
    // Act
    const bundle: SubjectBundle = await must(api.post(IG, '/subjects/export', { nhsNumber: person }), 200);

    // Assess
    expect(bundle.nhsNumber).toBe(person);
    expect(bundle.referrals.map((r) => r.referral.id).sort()).toEqual([...ids].sort());
    const first = bundle.referrals.find((r) => r.referral.id === ids[0])!;
    expect(first.handoffs).toHaveLength(1);
    expect(first.events.map((e) => e.type)).toEqual(['referral.submitted', 'note.added', 'referral.accepted', 'handoff.offered']);
    expect(first.notes.map((n) => n.text)).toEqual([`ECC note on ${ids[0]}`]);
    const second = bundle.referrals.find((r) => r.referral.id === ids[1])!;
    expect(second.accessLog.map((a) => a.actor.sub)).toContain(PM.sub);
    const text = JSON.stringify(bundle);
    expect(text).not.toContain(other);
    expect(text).not.toContain(otherId);
    expect(text).not.toContain('OTHER-PERSON-REASON');
  });

  it('carries the same records as CSV files, one per record type', async () => {
    // Act
    const { files } = await must(api.post(IG, '/subjects/export', { nhsNumber: person }), 200);

    // Assess
    expect(Object.keys(files).sort()).toEqual(['access-log.csv', 'events.csv', 'handoffs.csv', 'notes.csv', 'referrals.csv']);
    const referralRows = files['referrals.csv'].trim().split('\r\n');
    expect(referralRows[0]).toContain('subject.nhsNumber');
    expect(referralRows).toHaveLength(3);
    expect(files['referrals.csv']).toContain('PERSON-REASON-1');
    expect(files['notes.csv']).toContain(`ECC note on ${ids[1]}`);
    expect(files['events.csv'].trim().split('\r\n')).toHaveLength(1 + 4 + 2);
    expect(files['handoffs.csv'].trim().split('\r\n')).toHaveLength(2);
  });

  it('is itself recorded in each referral’s access log, as subject-export by the IG lead', async () => {
    // Prepare
    await must(api.post(IG, '/subjects/export', { nhsNumber: person }), 200);

    // Act
    const log = await must(api.get(PM, `/referrals/${ids[0]}/access-log`), 200);

    // Assess
    expect(log.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ what: 'subject-export', actor: expect.objectContaining({ sub: IG.sub }) })]),
    );
  });

  it('is refused without both roles (403), and a bad or misplaced NHS number is a 400 naming it', async () => {
    // Act
    const asPm = await api.post(PM, '/subjects/export', { nhsNumber: person });
    const asIgOnly = await api.post(IG_ONLY, '/subjects/export', { nhsNumber: person });
    const asPractitioner = await api.post(PROVIDE, '/subjects/export', { nhsNumber: person });
    const bad = await api.post(IG, '/subjects/export', { nhsNumber: '1234567890' });
    const extra = await api.post(IG, '/subjects/export', { nhsNumber: person, name: 'someone' });
    const inUrl = await api.post(IG, `/subjects/export?nhsNumber=${person}`, {});
    const noToken = await api.post(undefined, '/subjects/export', { nhsNumber: person });

    // Assess
    expect([asPm.status, asIgOnly.status, asPractitioner.status]).toEqual([403, 403, 403]);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.text).toContain('nhsNumber');
    expect(extra.status).toBe(400);
    expect(extra.text).toContain('name');
    expect(inUrl.status).toBe(400);
    expect(noToken.status).toBe(401);
  });

  it('answers an empty bundle for a person Jointly holds nothing about', async () => {
    // Act
    const bundle = await must(api.post(IG, '/subjects/export', { nhsNumber: randomNhsNumber() }), 200);

    // Assess
    expect(bundle.referrals).toEqual([]);
    expect(bundle.files['referrals.csv']).toBe('\r\n');
  });
});

describe('POST /subjects/erase', () => {
  const person = randomNhsNumber();
  let ids: string[];
  let otherId: string;

  beforeAll(async () => {
    ids = [await openReferral(person), await openReferral(person)];
    otherId = await openReferral(randomNhsNumber());
  });

  it('refuses bad input with a 4xx naming the field, and erases nothing', async () => {
    // Act
    const badReason = await api.post(IG, '/subjects/erase', { nhsNumber: person, reasonCode: 'because', requestReference: 'IG-1' });
    const badReference = await api.post(IG, '/subjects/erase', {
      nhsNumber: person,
      reasonCode: 'misfiled-record',
      requestReference: 'Mrs Smith asked',
    });
    const stranger = await api.post(IG, '/subjects/erase', {
      nhsNumber: person,
      reasonCode: 'misfiled-record',
      requestReference: 'IG-2026-0042',
      referralIds: [ids[0], otherId],
    });
    const asPm = await api.post(PM, '/subjects/erase', { nhsNumber: person, reasonCode: 'misfiled-record', requestReference: 'IG-1' });

    // Assess
    expect(badReason.status).toBe(400);
    expect(badReason.text).toContain('reasonCode');
    expect(badReference.status).toBe(400);
    expect(badReference.text).toContain('requestReference');
    expect(stranger.status).toBe(422);
    expect(stranger.text).toContain('referralIds');
    expect(asPm.status).toBe(403);
    for (const id of [...ids, otherId]) expect((await api.get(PM, `/referrals/${id}`)).status).toBe(200);
  });

  it('erases the named referral with its reason code, leaving the other and a referral.disposed event that says why', async () => {
    // Act
    const result = await must(
      api.post(IG, '/subjects/erase', {
        nhsNumber: person,
        reasonCode: 'misfiled-record',
        requestReference: 'IG-2026-0042',
        referralIds: [ids[0]],
      }),
      200,
    );

    // Assess
    expect(result).toMatchObject({ reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042', erased: [{ referralId: ids[0] }] });
    expect(result.erased[0].itemsDeleted).toBeGreaterThanOrEqual(4);
    expect((await api.get(PM, `/referrals/${ids[0]}`)).status).toBe(404);
    expect((await api.get(PM, `/referrals/${ids[1]}`)).status).toBe(200);
    const left = await partitionOf(ids[0]!);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      type: 'referral.disposed',
      actor: { sub: IG.sub },
      data: { cause: 'erasure', reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042' },
    });
  });

  it('erases all the person’s remaining referrals, then answers 404: nothing is held', async () => {
    // Act
    const result = await must(
      api.post(IG, '/subjects/erase', { nhsNumber: person, reasonCode: 'erasure-request-upheld', requestReference: 'IG-2026-0043' }),
      200,
    );
    const again = await api.post(IG, '/subjects/erase', {
      nhsNumber: person,
      reasonCode: 'erasure-request-upheld',
      requestReference: 'IG-2026-0043',
    });
    const exported = await must(api.post(IG, '/subjects/export', { nhsNumber: person }), 200);

    // Assess
    expect(result.erased.map((e: { referralId: string }) => e.referralId)).toEqual([ids[1]]);
    expect(again.status).toBe(404);
    expect(exported.referrals).toEqual([]);
    expect((await api.get(PM, `/referrals/${otherId}`)).status).toBe(200);
  });
});
