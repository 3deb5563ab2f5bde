/**
 * The FHIR R4 face as an NHS or council system would use it, over HTTP against the local
 * runtime: the CapabilityStatement, a referral read as ServiceRequest and Task by both
 * sides as it moves through REST actions, a handoff's Task, the registry's Organizations
 * (with ODS codes from config), our CodeSystems, and the errors (OperationOutcome, 404 for
 * non-parties before anything else). Every FHIR answer the client sees, errors included, is
 * validated against the R4 base definitions (test/support/referral-api.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fhirIssuesOf } from '#test/support/fhir-validator.ts';
import { signatureMatches } from '#test/support/independent-signature.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  randomNhsNumber,
  randomUlid,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';
import { headerOf, pollUntil, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

/** Example codes for the test only (the registry's organisations have no ODS codes by default). */
const ODS_CODES = { provide: 'TEST01', ecc: 'TEST02' };

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), JOINTLY_ORG_ODS_CODES: JSON.stringify(ODS_CODES) });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const PROVIDE: CallerClaims = { sub: 'fhir-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'fhir-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'fhir-meht-discharge', org: 'meht', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'fhir-programme-manager', org: 'ecc', roles: ['programme_manager'] };

const FHIR = '/fhir/R4';
const expectStatus = (response: ApiResponse, status: number) => expect(response.status, `${response.status} ${response.text}`).toBe(status);
const fhirGet = (caller: CallerClaims | undefined, path: string) =>
  api.get(caller, `${FHIR}${path}`, { headers: { Accept: 'application/fhir+json' } });

/** The issue codes of an OperationOutcome. */
const issueCodes = (response: ApiResponse): string[] => (response.body?.issue ?? []).map((issue: { code: string }) => issue.code);

describe('the CapabilityStatement', () => {
  it('is public, application/fhir+json, and lists exactly the interactions served', async () => {
    // Act
    const response = await fhirGet(undefined, '/metadata');

    // Assess
    expectStatus(response, 200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(response.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    const resources = response.body.rest[0].resource.map((r: { type: string }) => r.type).sort();
    expect(resources).toEqual(['CodeSystem', 'Organization', 'ServiceRequest', 'Task']);
    expect(response.body.implementation.url).toBe(`${runtime.url}${FHIR}`);
  });
});

describe('a referral seen through FHIR as it moves', () => {
  let referralId: string;

  it('Provide refers to ECC: both sides read a ServiceRequest and a requested Task owned by ECC', async () => {
    // Prepare
    const body = referralBody({ priority: 'soon', subject: { ...referralBody().subject, localId: 'P-1234' } });
    const created = await api.post(PROVIDE, '/referrals', body);
    expectStatus(created, 201);
    referralId = created.body.id;

    // Act
    const [fromProvide, fromEcc, task] = await Promise.all([
      fhirGet(PROVIDE, `/ServiceRequest/${referralId}`),
      fhirGet(ECC, `/ServiceRequest/${referralId}`),
      fhirGet(ECC, `/Task/${referralId}`),
    ]);

    // Assess
    expectStatus(fromProvide, 200);
    expectStatus(fromEcc, 200);
    expect(fromEcc.headers.get('etag')).toBe('W/"1"');
    expect(fromEcc.body).toEqual(fromProvide.body);
    expect(fromEcc.body).toMatchObject({
      resourceType: 'ServiceRequest',
      id: referralId,
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      requester: { reference: 'Organization/provide' },
      performer: [{ reference: 'Organization/ecc' }],
      subject: { reference: '#subject' },
      reasonCode: [{ text: body.reason }],
      meta: { versionId: '1' },
    });
    const patient = fromEcc.body.contained.find((r: { resourceType: string }) => r.resourceType === 'Patient');
    expect(patient.identifier).toContainEqual(
      expect.objectContaining({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: body.subject.nhsNumber }),
    );
    expect(patient.birthDate).toBe(body.subject.dateOfBirth);
    expectStatus(task, 200);
    expect(task.body).toMatchObject({
      resourceType: 'Task',
      id: referralId,
      status: 'requested',
      intent: 'order',
      focus: { reference: `ServiceRequest/${referralId}` },
      requester: { reference: 'Organization/provide' },
      owner: { reference: 'Organization/ecc' },
    });
    expect(task.body.businessStatus.coding[0].code).toBe('submitted');
  });

  it('ECC accepts through the REST API: the Task becomes accepted, still owned by ECC, version 2', async () => {
    // Prepare
    const accepted = await api.post(ECC, `/referrals/${referralId}/accept`, { comment: 'We will visit tomorrow.' });
    expectStatus(accepted, 200);

    // Act
    const task = await fhirGet(PROVIDE, `/Task/${referralId}`);

    // Assess
    expectStatus(task, 200);
    expect(task.headers.get('etag')).toBe('W/"2"');
    expect(task.body).toMatchObject({ status: 'accepted', owner: { reference: 'Organization/ecc' }, meta: { versionId: '2' } });
    expect(task.body.businessStatus.coding[0].code).toBe('accepted');
  });

  it('ECC offers Provide a handoff: its Task is requested of Provide, part of the referral’s Task; accepting completes it', async () => {
    // Prepare
    const offered = await api.post(ECC, `/referrals/${referralId}/handoffs`, { toOrg: 'provide', reason: 'Nursing to lead from here.' });
    expectStatus(offered, 201);
    const handoffTaskId = `handoff-${offered.body.id}`;

    // Act
    const requested = await fhirGet(PROVIDE, `/Task/${handoffTaskId}`);
    const answered = await api.post(PROVIDE, `/handoffs/${offered.body.id}/accept`, {});
    const completed = await fhirGet(ECC, `/Task/${handoffTaskId}`);
    const fulfilment = await fhirGet(ECC, `/Task/${referralId}`);

    // Assess
    expectStatus(requested, 200);
    expect(requested.body).toMatchObject({
      id: handoffTaskId,
      status: 'requested',
      focus: { reference: `ServiceRequest/${referralId}` },
      partOf: [{ reference: `Task/${referralId}` }],
      requester: { reference: 'Organization/ecc' },
      owner: { reference: 'Organization/provide' },
    });
    expect(requested.body.code.coding[0].code).toBe('transfer-of-responsibility');
    expectStatus(answered, 200);
    expectStatus(completed, 200);
    expect(completed.body.status).toBe('completed');
    expect(fulfilment.body.owner).toMatchObject({ reference: 'Organization/provide' });
  });

  it('a programme manager reads both; each FHIR read is in the referral’s access log like a REST read', async () => {
    // Act
    const read = await fhirGet(PM, `/ServiceRequest/${referralId}`);
    const log = await api.get(PROVIDE, `/referrals/${referralId}/access-log?limit=100`);

    // Assess
    expectStatus(read, 200);
    expectStatus(log, 200);
    const readers = log.body.items.map((entry: { actor: { sub: string } }) => entry.actor.sub);
    expect(readers).toEqual(expect.arrayContaining([PROVIDE.sub, ECC.sub, PM.sub]));
  });

  it('a non-party gets 404 OperationOutcome on every FHIR read of it, the same as for an id that does not exist', async () => {
    // Prepare
    const handoffs = await api.get(ECC, `/referrals/${referralId}`);
    const handoffId = handoffs.body.handoffs[0].id;

    // Act
    const replies = await Promise.all([
      fhirGet(MEHT, `/ServiceRequest/${referralId}`),
      fhirGet(MEHT, `/Task/${referralId}`),
      fhirGet(MEHT, `/Task/handoff-${handoffId}`),
      fhirGet(MEHT, `/ServiceRequest/${randomUlid()}`),
    ]);

    // Assess
    for (const reply of replies) {
      expectStatus(reply, 404);
      expect(reply.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(reply.body.resourceType).toBe('OperationOutcome');
      expect(issueCodes(reply)).toEqual(['not-found']);
    }
    expect(replies[0]!.body).toEqual(replies[3]!.body);
  });
});

describe('a redirect: rejected on the old receiver, requested of the new one', () => {
  it('the receiver that redirected keeps a rejected Task of its own; the referral’s Task is the new receiver’s', async () => {
    // Prepare
    const created = await api.post(PROVIDE, '/referrals', referralBody());
    expectStatus(await api.post(ECC, `/referrals/${created.body.id}/redirect`, { toOrg: 'meht', comment: 'Acute team holds this.' }), 200);
    const rest = await api.get(PROVIDE, `/referrals/${created.body.id}`);
    const former = rest.body.formerParties.find((f: { org: string }) => f.org === 'ecc');
    const redirectedId = `redirected-${created.body.id}-${former.leftSeq}`;

    // Act
    const [fromSender, fromOldReceiver, current, outsider] = await Promise.all([
      fhirGet(PROVIDE, `/Task/${redirectedId}`),
      fhirGet(ECC, `/Task/${redirectedId}`),
      fhirGet(MEHT, `/Task/${created.body.id}`),
      fhirGet({ sub: 'fhir-ageuk-reader', org: 'ageuk-essex', roles: ['practitioner'] }, `/Task/${redirectedId}`),
    ]);

    // Assess
    expectStatus(fromSender, 200);
    expect(fromSender.body).toMatchObject({
      id: redirectedId,
      status: 'rejected',
      statusReason: { text: 'Redirected by the receiver to another organisation' },
      owner: { reference: 'Organization/ecc' },
      focus: { reference: `ServiceRequest/${created.body.id}` },
      lastModified: former.leftAt,
    });
    expectStatus(fromOldReceiver, 200);
    expect(fromOldReceiver.body).toEqual(fromSender.body);
    expectStatus(current, 200);
    expect(current.body).toMatchObject({ status: 'requested', owner: { reference: 'Organization/meht' } });
    expectStatus(outsider, 404);
  });

  it('a seq at which no receiver redirected names no Task (404)', async () => {
    // Prepare
    const created = await api.post(PROVIDE, '/referrals', referralBody());

    // Act
    const reply = await fhirGet(PROVIDE, `/Task/redirected-${created.body.id}-1`);

    // Assess
    expectStatus(reply, 404);
  });
});

describe('Task search: a worklist for systems that poll', () => {
  const AGEUK: CallerClaims = { sub: 'fhir-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
  const created: string[] = [];

  beforeAll(async () => {
    // Five referrals to Age UK, newest last; the second is accepted, the third declined.
    for (let i = 0; i < 5; i++) {
      const reply = await api.post(PROVIDE, '/referrals', referralBody({ toOrg: 'ageuk-essex' }));
      expectStatus(reply, 201);
      created.push(reply.body.id);
    }
    expectStatus(await api.post(AGEUK, `/referrals/${created[1]}/accept`, {}), 200);
    expectStatus(await api.post(AGEUK, `/referrals/${created[2]}/decline`, { reasonCode: 'no-capacity', comment: 'Full this week.' }), 200);
  });

  it('owner and status select the Tasks, newest first, as a searchset of absolute fullUrls', async () => {
    // Act
    const reply = await fhirGet(AGEUK, '/Task?owner=Organization/ageuk-essex&status=requested');

    // Assess
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const ids = reply.body.entry.map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids).toEqual([created[4], created[3], created[0]]);
    expect(reply.body.entry[0].fullUrl).toBe(`${runtime.url}${FHIR}/Task/${created[4]}`);
    expect(reply.body.link).toEqual([
      { relation: 'self', url: `${runtime.url}${FHIR}/Task?owner=Organization/ageuk-essex&status=requested` },
    ]);
  });

  it('status takes a comma-separated list; no status means every Task the organisation owns', async () => {
    // Act
    const [some, all] = await Promise.all([
      fhirGet(AGEUK, '/Task?owner=ageuk-essex&status=accepted,rejected'),
      fhirGet(AGEUK, '/Task?owner=ageuk-essex'),
    ]);

    // Assess
    expect(some.body.entry.map((e: { resource: { id: string; status: string } }) => [e.resource.id, e.resource.status])).toEqual([
      [created[2], 'rejected'],
      [created[1], 'accepted'],
    ]);
    expect(all.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([...created].reverse());
  });

  it('pages with _count, the next link carrying a signed cursor, until there is no next', async () => {
    // Act
    const seen: string[] = [];
    let path: string | undefined = '/Task?owner=ageuk-essex&_count=2';
    for (let page = 0; path && page < 10; page++) {
      const reply = await fhirGet(AGEUK, path);
      expectStatus(reply, 200);
      seen.push(...reply.body.entry.map((e: { resource: { id: string } }) => e.resource.id));
      const next = reply.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string | undefined;
      path = next?.slice(`${runtime.url}${FHIR}`.length);
    }

    // Assess
    expect(seen).toEqual([...created].reverse());
  });

  it('_lastUpdated bounds the time of the last change (a future lower bound finds nothing)', async () => {
    // Prepare
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    // Act
    const [future, recent] = await Promise.all([
      fhirGet(AGEUK, `/Task?owner=ageuk-essex&_lastUpdated=ge${tomorrow}`),
      fhirGet(AGEUK, `/Task?owner=ageuk-essex&_lastUpdated=gt${yesterday}&_lastUpdated=lt${tomorrow}`),
    ]);

    // Assess
    expectStatus(future, 200);
    expect(future.body.entry).toBeUndefined();
    expect(recent.body.entry).toHaveLength(created.length);
  });

  it('a practitioner searches their own organisation only (403); a programme manager any', async () => {
    // Act
    const [other, pm] = await Promise.all([
      fhirGet(ECC, '/Task?owner=ageuk-essex'),
      fhirGet(PM, '/Task?owner=ageuk-essex&status=requested'),
    ]);

    // Assess
    expectStatus(other, 403);
    expect(issueCodes(other)).toEqual(['forbidden']);
    expectStatus(pm, 200);
    expect(pm.body.entry).toHaveLength(3);
  });

  it.each([
    ['no owner', '/Task?status=requested', 'owner'],
    ['an unknown status', '/Task?owner=ageuk-essex&status=requested,done', 'status'],
    ['a _lastUpdated without prefix', '/Task?owner=ageuk-essex&_lastUpdated=2026-12-01', '_lastUpdated'],
    ['an impossible date', '/Task?owner=ageuk-essex&_lastUpdated=ge2026-02-30', '_lastUpdated'],
    ['a _count over 100', '/Task?owner=ageuk-essex&_count=101', '_count'],
    ['an unknown parameter', '/Task?owner=ageuk-essex&subject=Patient/1', 'subject'],
    ['a tampered cursor', '/Task?owner=ageuk-essex&_cursor=abc.def', 'cursor'],
  ])('%s → 400 naming %s', async (_what, path, element) => {
    // Act
    const reply = await fhirGet(AGEUK, path);

    // Assess
    expectStatus(reply, 400);
    expect(reply.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(element);
  });
});

describe('ServiceRequest search: by patient identifier, POST only', () => {
  const nhsNumber = randomNhsNumber();
  const ids: string[] = [];
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const search = (caller: CallerClaims, fields: Record<string, string>, path = `${FHIR}/ServiceRequest/_search`) =>
    api.request(caller, 'POST', path, { rawBody: form(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await api.post(PROVIDE, '/referrals', referralBody({ subject: { ...referralBody().subject, nhsNumber } }));
      ids.push(reply.body.id);
    }
  });

  it('finds the person’s referrals the caller may see, newest first; a non-party finds none', async () => {
    // Act
    const [ecc, meht] = await Promise.all([
      search(ECC, { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}` }),
      search(MEHT, { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}` }),
    ]);

    // Assess
    expectStatus(ecc, 200);
    expect(ecc.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual([...ids].sort());
    expect(ecc.body.link[0].url).not.toContain(nhsNumber);
    expectStatus(meht, 200);
    expect(meht.body.entry).toBeUndefined();
  });

  it('pages by POSTing the same form to the next link, whose URL carries only the signed cursor', async () => {
    // Act
    const seen: string[] = [];
    let path: string | undefined = `${FHIR}/ServiceRequest/_search`;
    for (let page = 0; path && page < 10; page++) {
      const reply = await search(ECC, { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`, _count: '1' }, path);
      expectStatus(reply, 200);
      seen.push(...reply.body.entry.map((e: { resource: { id: string } }) => e.resource.id));
      const next = reply.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string | undefined;
      if (next) expect(next).not.toContain(nhsNumber);
      path = next?.slice(runtime.url.length);
    }

    // Assess
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('records the search in each referral’s access log', async () => {
    // Act
    const log = await api.get(PROVIDE, `/referrals/${ids[0]}/access-log?limit=100`);

    // Assess
    expect(log.body.items).toContainEqual(expect.objectContaining({ what: 'search', actor: expect.objectContaining({ sub: ECC.sub }) }));
  });

  it('a GET search is refused, saying why, without echoing the identifier', async () => {
    // Act
    const reply = await fhirGet(ECC, `/ServiceRequest?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`);

    // Assess
    expectStatus(reply, 400);
    expect(reply.body.issue[0]).toMatchObject({ code: 'invalid', expression: ['identifier'] });
    expect(reply.body.issue[0].diagnostics).toMatch(/POST|_search/);
    expect(reply.text).not.toContain(nhsNumber);
  });

  it.each([
    ['an identifier system we do not know', { identifier: 'https://example.org/id|123' }, 400, 'identifier'],
    ['an NHS number that fails its check digit', { identifier: 'https://fhir.nhs.uk/Id/nhs-number|9434765918' }, 400, 'identifier'],
    ['no identifier', { _count: '5' }, 400, 'identifier'],
  ])('%s → %i naming %s', async (_what, fields, status, element) => {
    // Act
    const reply = await search(ECC, fields as Record<string, string>);

    // Assess
    expectStatus(reply, status);
    expect(reply.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(element);
  });

  it('a JSON body is refused: the search is a form', async () => {
    // Act
    const reply = await api.post(ECC, `${FHIR}/ServiceRequest/_search`, { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}` });

    // Assess
    expectStatus(reply, 415);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });
});

describe('$process-message: referrals sent as BaRS-shaped messages', () => {
  const EVENT = { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' };
  const reason = (code: 'new' | 'update') => ({ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code }] });

  /** A message Bundle carrying `serviceRequest` (its id used as the header's focus). */
  const messageOf = (serviceRequest: Record<string, unknown>, why: 'new' | 'update' = 'new') => ({
    resourceType: 'Bundle',
    type: 'message',
    entry: [
      {
        fullUrl: `urn:uuid:${crypto.randomUUID()}`,
        resource: {
          resourceType: 'MessageHeader',
          id: crypto.randomUUID(),
          eventCoding: EVENT,
          reason: reason(why),
          source: { endpoint: 'https://gp-system.example/fhir' },
          focus: [{ reference: 'urn:uuid:sr-1' }],
        },
      },
      { fullUrl: 'urn:uuid:sr-1', resource: serviceRequest },
    ],
  });

  /** A new referral's ServiceRequest, as a record system would send it. */
  const newServiceRequest = (nhsNumber: string, overrides: Record<string, unknown> = {}) => ({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'https://jointly.dev/fhir/CodeSystem/service-area', code: 'rapid-response' }] }],
    priority: 'asap',
    subject: { reference: '#p' },
    contained: [
      {
        resourceType: 'Patient',
        id: 'p',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber }],
        name: [{ given: ['Edith'], family: 'Marsh' }],
        birthDate: '1938-05-02',
      },
    ],
    requester: { reference: 'Organization/provide' },
    performer: [{ reference: 'Organization/ecc' }],
    reasonCode: [{ text: 'Fell twice this week; lives alone.' }],
    ...overrides,
  });

  const post = (
    caller: CallerClaims,
    body: unknown,
    requestId: string | null = crypto.randomUUID(),
    headers: Record<string, string> = {},
  ) =>
    api.post(caller, `${FHIR}/$process-message`, body, {
      headers: { 'Content-Type': 'application/fhir+json', ...(requestId ? { 'X-Request-Id': requestId } : {}), ...headers },
    });

  /** Provide's outbox size: what a refused message must leave unchanged. */
  const outboxSize = async () => (await api.get(PROVIDE, '/referrals?box=outbox&limit=100')).body.items.length as number;

  it('a new referral by message: the response message answers it, and both sides then see the referral', async () => {
    // Prepare
    const nhsNumber = randomNhsNumber();
    const message = messageOf(newServiceRequest(nhsNumber));

    // Act
    const reply = await post(PROVIDE, message, crypto.randomUUID(), { 'X-Correlation-Id': 'gp-conversation-42' });

    // Assess
    expectStatus(reply, 200);
    expect(reply.headers.get('x-correlation-id')).toBe('gp-conversation-42');
    const [header, serviceRequest] = reply.body.entry.map((e: { resource: unknown }) => e.resource);
    expect(header).toMatchObject({ resourceType: 'MessageHeader', response: { identifier: message.entry[0]!.resource.id, code: 'ok' } });
    expect(serviceRequest).toMatchObject({ resourceType: 'ServiceRequest', status: 'active', priority: 'asap' });
    const rest = await api.get(ECC, `/referrals/${serviceRequest.id}`);
    expectStatus(rest, 200);
    expect(rest.body).toMatchObject({
      fromOrg: 'provide',
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'urgent',
      status: 'submitted',
      reason: 'Fell twice this week; lives alone.',
      subject: { nhsNumber, name: 'Edith Marsh', dateOfBirth: '1938-05-02' },
    });
  });

  it('X-Request-Id deduplicates: a retry replays the first answer and makes nothing new; another body with it is refused', async () => {
    // Prepare
    const requestId = crypto.randomUUID();
    const message = messageOf(newServiceRequest(randomNhsNumber()));
    const first = await post(PROVIDE, message, requestId);
    const before = await outboxSize();

    // Act
    const again = await post(PROVIDE, message, requestId);
    const other = await post(PROVIDE, messageOf(newServiceRequest(randomNhsNumber())), requestId);

    // Assess
    expectStatus(first, 200);
    expectStatus(again, 200);
    expect(again.body).toEqual(first.body);
    expectStatus(other, 422);
    expect(await outboxSize()).toBe(before);
  });

  it('a ServiceRequest we serve is accepted back by $process-message (round trip)', async () => {
    // Prepare
    const created = await api.post(PROVIDE, '/referrals', referralBody({ subject: { ...referralBody().subject, localId: 'RT-77' } }));
    const served = await fhirGet(PROVIDE, `/ServiceRequest/${created.body.id}`);
    const { id: _id, meta: _meta, identifier: _identifier, ...asSent } = served.body;

    // Act
    const reply = await post(PROVIDE, messageOf(asSent));

    // Assess
    expectStatus(reply, 200);
    const copy = await api.get(PROVIDE, `/referrals/${reply.body.entry[1].resource.id}`);
    const pick = (r: Record<string, unknown>) => ({
      toOrg: r.toOrg,
      serviceArea: r.serviceArea,
      priority: r.priority,
      subject: r.subject,
      reason: r.reason,
    });
    expect(pick(copy.body)).toEqual(pick(created.body));
  });

  it('update + revoked cancels the referral it identifies, with a cancel reason if coded', async () => {
    // Prepare
    const created = await api.post(PROVIDE, '/referrals', referralBody());
    const revoke = {
      resourceType: 'ServiceRequest',
      status: 'revoked',
      intent: 'order',
      identifier: [{ system: 'https://jointly.dev/fhir/Id/referral', value: created.body.id }],
      subject: { reference: '#p' },
      contained: [{ resourceType: 'Patient', id: 'p' }],
      reasonCode: [{ coding: [{ system: 'https://jointly.dev/fhir/CodeSystem/cancel-reason', code: 'person-admitted' }] }],
    };

    // Act
    const reply = await post(PROVIDE, messageOf(revoke, 'update'));

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.entry[1].resource).toMatchObject({ id: created.body.id, status: 'revoked' });
    const task = await fhirGet(ECC, `/Task/${created.body.id}`);
    expect(task.body).toMatchObject({
      status: 'cancelled',
      statusReason: { coding: [expect.objectContaining({ code: 'person-admitted' })] },
    });
  });

  it('names the performer by its ODS code when the stage configures one', async () => {
    // Prepare
    const message = messageOf(
      newServiceRequest(randomNhsNumber(), {
        performer: [{ identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ODS_CODES.ecc } }],
      }),
    );

    // Act
    const reply = await post(PROVIDE, message);

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.entry[1].resource.performer[0].reference).toBe('Organization/ecc');
  });

  it.each([
    ['no X-Request-Id', 400, 'X-Request-Id', () => messageOf(newServiceRequest(randomNhsNumber())), false],
    [
      'another event',
      422,
      'Bundle.entry[0].resource.eventCoding',
      () => {
        const m = messageOf(newServiceRequest(randomNhsNumber()));
        m.entry[0]!.resource.eventCoding = { ...EVENT, code: 'booking-request' };
        return m;
      },
      true,
    ],
    [
      'no priority',
      400,
      'Bundle.entry[1].resource.priority',
      () => messageOf(newServiceRequest(randomNhsNumber(), { priority: undefined })),
      true,
    ],
    [
      'an NHS number that fails its check digit',
      400,
      'Bundle.entry[1].resource.contained[0].identifier[0].value',
      () => messageOf(newServiceRequest('9434765918')),
      true,
    ],
    [
      'an unknown performer',
      422,
      'Bundle.entry[1].resource.performer[0].reference',
      () => messageOf(newServiceRequest(randomNhsNumber(), { performer: [{ reference: 'Organization/nowhere' }] })),
      true,
    ],
    [
      'a requester that is not the caller’s organisation',
      422,
      'Bundle.entry[1].resource.requester',
      () => messageOf(newServiceRequest(randomNhsNumber(), { requester: { reference: 'Organization/meht' } })),
      true,
    ],
    [
      'no reason',
      400,
      'Bundle.entry[1].resource.reasonCode',
      () => messageOf(newServiceRequest(randomNhsNumber(), { reasonCode: undefined })),
      true,
    ],
    [
      'a Bundle that is no message',
      400,
      'Bundle.type',
      () => ({ ...messageOf(newServiceRequest(randomNhsNumber())), type: 'collection' }),
      true,
    ],
  ] as const)('%s → %i naming %s, and nothing written', async (_what, status, element, build, withRequestId) => {
    // Prepare
    const before = await outboxSize();

    // Act
    const reply = await post(PROVIDE, build(), withRequestId ? crypto.randomUUID() : null);

    // Assess
    expectStatus(reply, status);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(reply.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(element);
    expect(await outboxSize()).toBe(before);
  });

  it('any other POST under the face is refused naming the operation', async () => {
    // Act
    const reply = await api.post(PROVIDE, `${FHIR}/Task`, messageOf(newServiceRequest(randomNhsNumber())), {
      headers: { 'Content-Type': 'application/fhir+json', 'X-Request-Id': crypto.randomUUID() },
    });

    // Assess
    expectStatus(reply, 400);
    expect(reply.body.issue[0].expression).toEqual(['operation']);
  });
});

describe('FHIR-shaped webhook notifications (opt-in per subscription)', () => {
  const SECRET = 'fhir-webhook-secret-0123456789';
  const MEHT_NURSE: CallerClaims = { sub: 'fhir-meht-nurse', org: 'meht', roles: ['practitioner'] };
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('a subscription may choose the Backport payload; the receiver gets a signed id-only history Bundle it can follow', async () => {
    // Prepare
    const subscription = await api.post(MEHT_NURSE, '/subscriptions', {
      eventTypes: ['referral.submitted', 'handoff.offered'],
      channel: { type: 'webhook', url: receiver.url, secret: SECRET, payload: 'fhir-r4-backport-id-only' },
    });
    expectStatus(subscription, 201);
    expect(subscription.body.channel).toEqual({ type: 'webhook', url: receiver.url, payload: 'fhir-r4-backport-id-only' });

    // Act
    const referral = await api.post(PROVIDE, '/referrals', referralBody({ toOrg: 'meht' }));
    const received = await pollUntil(
      () => receiver.requests.filter((r) => r.rawBody.includes(referral.body.id)),
      (requests) => requests.length > 0,
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    // Assess
    const [request] = received;
    expect(headerOf(request!, 'content-type')).toBe('application/fhir+json');
    expect(signatureMatches(SECRET, request!.rawBody, headerOf(request!, 'Jointly-Signature'))).toBe(true);
    const notification = JSON.parse(request!.rawBody);
    expect(fhirIssuesOf(notification)).toEqual([]);
    expect(notification).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    const status = notification.entry[0].resource;
    const parameter = (name: string) => status.parameter.find((p: { name: string }) => p.name === name);
    expect(parameter('subscription').valueReference.reference).toBe(`Subscription/${subscription.body.id}`);
    expect(parameter('type').valueCode).toBe('event-notification');
    const event = Object.fromEntries(parameter('notification-event').part.map((p: { name: string }) => [p.name, p]));
    expect(event['event-number'].valueString).toBe(headerOf(request!, 'Jointly-Event-Id'));
    expect(event.focus.valueReference.reference).toBe(`ServiceRequest/${referral.body.id}`);
    expect(request!.rawBody).not.toContain(referral.body.subject.nhsNumber);
    const followed = await fhirGet(MEHT_NURSE, `/${event.focus.valueReference.reference}`);
    expectStatus(followed, 200);
  });

  it('the default stays our own event JSON; a payload on a channel that is no webhook is refused, naming it', async () => {
    // Act
    const [plain, inbox] = await Promise.all([
      api.post(MEHT_NURSE, '/subscriptions', {
        eventTypes: ['referral.*'],
        channel: { type: 'webhook', url: receiver.url, secret: SECRET },
      }),
      api.post(MEHT_NURSE, '/subscriptions', {
        eventTypes: ['referral.*'],
        channel: { type: 'inbox', payload: 'fhir-r4-backport-id-only' },
      }),
    ]);

    // Assess
    expectStatus(plain, 201);
    expect(plain.body.channel.payload).toBe('jointly-event');
    expectStatus(inbox, 400);
    expect(inbox.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain('channel');
  });
});

describe('the registry and code lists', () => {
  it('an Organization carries our id and, when configured, its ODS code', async () => {
    // Act
    const [provide, meht] = await Promise.all([fhirGet(ECC, '/Organization/provide'), fhirGet(ECC, '/Organization/meht')]);

    // Assess
    expectStatus(provide, 200);
    expect(provide.body.identifier).toContainEqual({ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ODS_CODES.provide });
    expectStatus(meht, 200);
    expect(meht.body.identifier.map((i: { system: string }) => i.system)).not.toContain('https://fhir.nhs.uk/Id/ods-organization-code');
  });

  it('CodeSystems are published at stable URLs, public like the CapabilityStatement', async () => {
    // Act
    const reply = await fhirGet(undefined, '/CodeSystem/decline-reason');

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.url).toBe('https://jointly.dev/fhir/CodeSystem/decline-reason');
    expect(reply.body.concept.map((c: { code: string }) => c.code)).toContain('no-capacity');
  });
});

describe('errors are OperationOutcome', () => {
  it.each([
    ['an unknown organisation', ECC, '/Organization/nowhere', 404, 'not-found'],
    ['an unknown code system', undefined, '/CodeSystem/nothing-here', 404, 'not-found'],
    ['a malformed id', ECC, '/ServiceRequest/not_a_fhir_id!', 400, 'invalid'],
    ['an id that is neither a referral nor a handoff', ECC, '/Task/someone-else', 404, 'not-found'],
    ['a resource type we do not serve', ECC, '/Patient/123', 404, 'not-found'],
  ] as const)('%s → %i %s', async (_what, caller, path, status, code) => {
    // Act
    const reply = await fhirGet(caller, path);

    // Assess
    expectStatus(reply, status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(issueCodes(reply)).toContain(code);
  });

  it('a malformed id names the element in the issue', async () => {
    // Act
    const reply = await fhirGet(ECC, '/ServiceRequest/not_a_fhir_id!');

    // Assess
    expect(reply.body.issue[0].expression).toEqual(['id']);
  });

  it('no token: API Gateway’s own 401 (the authorizer answers before the face)', async () => {
    // Act
    const reply = await fhirGet(undefined, `/ServiceRequest/${randomUlid()}`);

    // Assess
    expectStatus(reply, 401);
  });
});
