/**
 * Subscription limits over HTTP against the local runtime (its own process, with the cap
 * lowered to 3 through the runtime config): the cap's 422, e-mail only to the owner's
 * organisation's domains, renewal (owner only), programme managers' oversight list and
 * disable, and the new operations in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handoffApi, unusedUlid, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), JOINTLY_SUBSCRIPTION_CAP: '3' });
  api = handoffApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const NURSE: Who = { sub: 'sl-provide-nurse', org: 'provide', roles: ['practitioner'] };
const WORKER: Who = { sub: 'sl-ecc-worker', org: 'ecc', roles: ['practitioner'] };
const PM: Who = { sub: 'sl-programme-manager', org: 'meht', roles: ['programme_manager'] };
const INBOX = { eventTypes: ['handoff.*'], channel: { type: 'inbox' } };

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
const expectProblem = (reply: Reply, status: number, paths: string[]) => {
  expectStatus(reply, status);
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
  expect((reply.body?.errors ?? []).map((e: { path: string }) => e.path)).toEqual(paths);
};

describe('subscription limits over HTTP', () => {
  it('answers the create past the cap with 422 naming subscriptions and the cap; a delete gives the slot back', async () => {
    // Prepare
    const made: Reply[] = [];
    for (let i = 0; i < 3; i++) made.push(await api.post(WORKER, '/subscriptions', INBOX));

    // Act
    const refused = await api.post(WORKER, '/subscriptions', INBOX);
    const deleted = await api.request(WORKER, 'DELETE', `/subscriptions/${made[0]!.body.id}`);
    const again = await api.post(WORKER, '/subscriptions', INBOX);

    // Assess
    for (const reply of made) expectStatus(reply, 201);
    expectProblem(refused, 422, ['subscriptions']);
    expect(refused.body.detail).toContain('3 subscriptions');
    expectStatus(deleted, 204);
    expectStatus(again, 201);
  });

  it('sends e-mail only to the owner’s organisation’s domains: 422 naming channel.address otherwise', async () => {
    // Prepare
    const email = (address: string) => ({ eventTypes: ['referral.*'], channel: { type: 'email', address } });

    // Act
    const own = await api.post(NURSE, '/subscriptions', email('Nurse.Team@Provide.org.uk'));
    const foreign = await api.post(NURSE, '/subscriptions', email('someone@essex.gov.uk'));
    const shared = await api.post(PM, '/subscriptions', email('pm@nhs.net'));

    // Assess
    expectStatus(own, 201);
    expect(own.body).toMatchObject({ status: 'active', expiresAt: expect.any(String) });
    expectProblem(foreign, 422, ['channel.address']);
    expect(foreign.body.detail).toContain('provide.org.uk');
    expectProblem(shared, 422, ['channel.address']);
  });

  it('renews the owner’s subscription for 90 days from now; anyone else gets 404', async () => {
    // Prepare
    const made = await api.post(NURSE, '/subscriptions', INBOX);
    expectStatus(made, 201);

    // Act
    const renewed = await api.post(NURSE, `/subscriptions/${made.body.id}/renew`, undefined);
    const stranger = await api.post(WORKER, `/subscriptions/${made.body.id}/renew`, undefined);
    const manager = await api.post(PM, `/subscriptions/${made.body.id}/renew`, undefined);

    // Assess
    expectStatus(renewed, 200);
    expect(renewed.body).toMatchObject({ id: made.body.id, status: 'active' });
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(made.body.expiresAt));
    expect(Date.parse(renewed.body.expiresAt) - Date.now()).toBeGreaterThan(89 * 24 * 3600 * 1000);
    expectProblem(stranger, 404, []);
    expectProblem(manager, 404, []);
  });

  it('lets a programme manager list every subscription and disable one (403 for practitioners); renewal of it is then 409', async () => {
    // Prepare
    const made = await api.post(NURSE, '/subscriptions', { ...INBOX, eventTypes: ['note.added'] });
    expectStatus(made, 201);

    // Act
    const all = await api.allPages(PM, '/subscriptions?scope=all&limit=100');
    const practitionerAll = await api.get(NURSE, '/subscriptions?scope=all');
    const practitionerDisable = await api.post(NURSE, `/subscriptions/${made.body.id}/disable`, undefined);
    const disabled = await api.post(PM, `/subscriptions/${made.body.id}/disable`, undefined);
    const missing = await api.post(PM, `/subscriptions/${unusedUlid()}/disable`, undefined);
    const renewal = await api.post(NURSE, `/subscriptions/${made.body.id}/renew`, undefined);
    const own = await api.get(NURSE, '/subscriptions');

    // Assess
    expect(all.items.find((s) => s.id === made.body.id)).toMatchObject({ ownerSub: NURSE.sub, ownerOrg: 'provide', status: 'active' });
    expectProblem(practitionerAll, 403, []);
    expectProblem(practitionerDisable, 403, []);
    expectStatus(disabled, 200);
    expect(disabled.body).toMatchObject({ status: 'disabled', disabledBy: { sub: PM.sub, org: 'meht' }, ownerSub: NURSE.sub });
    expectProblem(missing, 404, []);
    expectProblem(renewal, 409, []);
    expect(own.body.items.find((s: { id: string }) => s.id === made.body.id)).toMatchObject({ status: 'disabled' });
  });

  it('documents renew, disable and scope=all in the OpenAPI document', async () => {
    // Act
    const doc = await api.get(PM, '/openapi.json');

    // Assess
    expectStatus(doc, 200);
    expect(doc.body.paths['/subscriptions/{id}/renew'].post.operationId).toBe('renewSubscription');
    expect(doc.body.paths['/subscriptions/{id}/disable'].post.operationId).toBe('disableSubscription');
    expect(JSON.stringify(doc.body.paths['/subscriptions'].get.parameters)).toContain('scope');
    expect(JSON.stringify(doc.body.components.schemas.Subscription)).toContain('expiresAt');
  });
});
