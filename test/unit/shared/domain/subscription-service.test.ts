/**
 * Rules of the subscription service (role and org restrictions, defaults, check order,
 * webhook URL policy, secret sealing, ownership, redrive) against an in-memory fake of the
 * SubscriptionRepository port. Persistence itself is DynamoDB Local's (integration tests).
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError } from '#shared/core/errors.ts';
import type { Caller } from '#shared/core/identity.ts';
import type { Page } from '#shared/core/pagination.ts';
import { CreateSubscriptionBodySchema, type CreateSubscriptionBody } from '#shared/subscriptions/domain/subscription-schemas.ts';
import { MAX_SUBSCRIPTIONS_PER_USER, matchPartitionsOf, type Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { SubscriptionService } from '#shared/subscriptions/domain/subscription-service.ts';
import type { Alert, DeadLetter, DeliveryAttempt, HeldPush, SubscriptionRepository } from '#shared/subscriptions/domain/ports.ts';
import type { EventDeliveryJob } from '#shared/core/messaging-ports.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { emailDomainsByOrg } from '#shared/core/organisations.ts';
import type { Resolver, WebhookPolicy } from '#shared/subscriptions/domain/webhook-url.ts';
import { practitioner } from '#test/support/fixtures.ts';

const NOW = new Date('2025-03-03T12:00:00.000Z');
const ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'];
const SECRET = 'correct-horse-battery-staple';
const SUB_ID = '01JNS0000000000000000000S1';
const EVENT_ID = '01JNE0000000000000000000E1';

const PROVIDE_NURSE = practitioner('u-provide-nurse', 'provide');
const ECC_WORKER = practitioner('u-ecc-worker', 'ecc');
const PROGRAMME_MANAGER: Caller = { sub: 'u-pm', org: 'meht', roles: ['programme_manager'] };
const NO_ROLE: Caller = { sub: 'u-nobody', org: 'ecc', roles: [] };

/** An in-memory repository with the same ownership semantics as the DynamoDB one. */
class FakeRepository implements SubscriptionRepository {
  readonly subscriptions = new Map<string, Subscription>();
  readonly deadLetterStore = new Map<string, DeadLetter>();
  readonly alertStore = new Map<string, Alert & { ownerSub: string }>();
  writes = 0;

  async create(subscription: Subscription, cap: number) {
    if ([...this.subscriptions.values()].filter((s) => s.ownerSub === subscription.ownerSub).length >= cap) return 'cap-reached' as const;
    this.writes += 1;
    this.subscriptions.set(subscription.id, structuredClone(subscription));
    return 'created' as const;
  }
  async reclaimExpired(ownerSub: string, now: Date) {
    const expired = [...this.subscriptions.values()].filter((s) => s.ownerSub === ownerSub && Date.parse(s.expiresAt) <= now.getTime());
    for (const s of expired) this.subscriptions.delete(s.id);
    return expired.length;
  }
  async get(ownerSub: string, id: string) {
    const found = this.subscriptions.get(id);
    return found?.ownerSub === ownerSub ? found : undefined;
  }
  async findById(id: string) {
    return this.subscriptions.get(id);
  }
  async renew(subscription: Subscription, expiresAt: string) {
    const found = this.subscriptions.get(subscription.id);
    if (!found || found.status === 'disabled') return undefined;
    const renewed = { ...found, expiresAt };
    this.subscriptions.set(found.id, renewed);
    return renewed;
  }
  async disable(subscription: Subscription, by: { sub: string; org: string }, at: string) {
    const found = this.subscriptions.get(subscription.id);
    if (!found) return undefined;
    const disabled = { ...found, status: 'disabled' as const, disabledBy: by, disabledAt: at };
    this.subscriptions.set(found.id, disabled);
    return disabled;
  }
  async listAll(): Promise<Page<Subscription>> {
    return { items: [...this.subscriptions.values()].reverse() };
  }
  async delete(subscription: Subscription) {
    this.writes += 1;
    return this.subscriptions.delete(subscription.id);
  }
  async listByOwner(ownerSub: string): Promise<Page<Subscription>> {
    return { items: [...this.subscriptions.values()].filter((s) => s.ownerSub === ownerSub).reverse() };
  }
  async pending(): Promise<Page<HeldPush>> {
    return { items: [] };
  }

  async deliveries(): Promise<Page<DeliveryAttempt>> {
    return { items: [{ eventId: EVENT_ID, attempt: 1, at: NOW.toISOString(), outcome: 'delivered', httpStatus: 204 }] };
  }
  async deadLetters(_: string, limit: number) {
    return [...this.deadLetterStore.values()].slice(0, limit);
  }
  async removeDeadLetters(_: string, eventIds: readonly string[]) {
    for (const id of eventIds) this.deadLetterStore.delete(id);
  }
  async alerts(sub: string, query: { unread: boolean }): Promise<Page<Alert>> {
    return { items: [...this.alertStore.values()].filter((a) => a.ownerSub === sub && (!query.unread || !a.readAt)) };
  }
  async ackAlert(sub: string, eventId: string, subscriptionId: string, at: string) {
    const alert = this.alertStore.get(`${eventId}.${subscriptionId}`);
    if (!alert || alert.ownerSub !== sub) return undefined;
    const acked = { ...alert, readAt: alert.readAt ?? at };
    this.alertStore.set(alert.id, acked);
    return acked;
  }
}

const setup = (options: { policy?: WebhookPolicy; resolve?: Resolver; cap?: number } = {}) => {
  const repository = new FakeRepository();
  const sealer = new LocalSealer('5e'.repeat(32));
  const sent: { job: EventDeliveryJob }[] = [];
  let failSendsFor: string | undefined;
  let ids = 0;
  const service = new SubscriptionService({
    repository,
    sealer,
    deliveryQueue: () => ({
      send: async (job: EventDeliveryJob) => {
        if (job.event.id === failSendsFor) throw new Error('queue unavailable');
        sent.push({ job });
      },
    }),
    organisations: ORGS,
    emailDomains: emailDomainsByOrg(),
    ...(options.cap ? { subscriptionCap: options.cap } : {}),
    webhookPolicy: options.policy ?? 'public-https',
    resolve: options.resolve ?? (async () => ['93.184.215.14']),
    newId: () => `01JNS00000000000000000000${++ids}`.slice(-26),
    clock: () => NOW,
  });
  return { service, repository, sealer, sent, failSendsOn: (eventId: string) => (failSendsFor = eventId) };
};

const body = (overrides: Record<string, unknown> = {}): CreateSubscriptionBody =>
  CreateSubscriptionBodySchema.parse({ eventTypes: ['handoff.*'], channel: { type: 'inbox' }, ...overrides });

const webhook = (url: string) => body({ channel: { type: 'webhook', url, secret: SECRET } });

/** The error a promise rejects with (failing the test if it resolves). */
const rejectionOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { errors?: { path: string; message: string }[] };
  }
  throw new Error('expected a rejection');
};

describe('SubscriptionService.create: who may subscribe to what', () => {
  it("defaults a practitioner's filters.orgs to their own org", async () => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const view = await service.create(PROVIDE_NURSE, body());

    // Assess
    expect(view.filters).toEqual({ orgs: ['provide'] });
    const stored = repository.subscriptions.get(view.id)!;
    expect(stored).toMatchObject({ ownerSub: 'u-provide-nurse', ownerOrg: 'provide', createdAt: NOW.toISOString() });
    expect(matchPartitionsOf(stored)).toEqual(['provide']);
  });

  it('lets a practitioner name their own org', async () => {
    // Prepare
    const { service } = setup();

    // Act
    const view = await service.create(ECC_WORKER, body({ filters: { orgs: ['ecc', 'ecc'], priorities: ['urgent'] } }));

    // Assess
    expect(view.filters).toEqual({ orgs: ['ecc'], priorities: ['urgent'] });
  });

  it.each([[['meht']], [['ecc', 'provide']]])('forbids a practitioner naming another org (%j): 403, nothing written', async (orgs) => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const error = await rejectionOf(service.create(ECC_WORKER, body({ filters: { orgs } })));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.writes).toBe(0);
  });

  it('forbids a practitioner whose own org is not known (it could only default to nothing)', async () => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const error = await rejectionOf(
      service.create(practitioner('u-stray', '' as Caller['org']) /* impossible since identify(); still refused */, body()),
    );

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.writes).toBe(0);
  });

  it('lets a programme manager subscribe programme-wide (no orgs: the * partition) or to any orgs', async () => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const wide = await service.create(PROGRAMME_MANAGER, body({ eventTypes: ['*'] }));
    const some = await service.create(PROGRAMME_MANAGER, body({ filters: { orgs: ['provide', 'ecc'] } }));

    // Assess
    expect(wide.filters).toEqual({});
    expect(matchPartitionsOf(repository.subscriptions.get(wide.id)!)).toEqual(['*']);
    expect(matchPartitionsOf(repository.subscriptions.get(some.id)!)).toEqual(['provide', 'ecc']);
  });

  it('forbids a caller with no known role before anything else: 403', async () => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const errors = await Promise.all([
      rejectionOf(service.create(NO_ROLE, body({ filters: { orgs: ['atlantis'] } }))),
      rejectionOf(service.list(NO_ROLE, { limit: 25 })),
      rejectionOf(service.alerts(NO_ROLE, { unread: true, limit: 25 })),
      rejectionOf(service.delete(NO_ROLE, SUB_ID)),
    ]);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.writes).toBe(0);
  });

  it('rejects unknown orgs with 422 naming filters.orgs.N, before the practitioner 403', async () => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const error = await rejectionOf(service.create(ECC_WORKER, body({ filters: { orgs: ['ecc', 'atlantis', 'meht', 'lyonesse'] } })));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.errors?.map((e) => e.path)).toEqual(['filters.orgs.1', 'filters.orgs.3']);
    expect(repository.writes).toBe(0);
  });

  it('stores each event type pattern once, in the order given', async () => {
    // Prepare
    const { service } = setup();

    // Act
    const view = await service.create(PROVIDE_NURSE, body({ eventTypes: ['handoff.*', 'referral.overdue', 'handoff.*'] }));

    // Assess
    expect(view.eventTypes).toEqual(['handoff.*', 'referral.overdue']);
  });
});

describe('SubscriptionService.create: webhook URL policy', () => {
  it.each([
    ['http://169.254.169.254/', 'instance metadata over http'],
    ['https://169.254.169.254/latest/meta-data/', 'instance metadata'],
    ['https://10.0.0.1/', 'a private address'],
    ['https://localhost/', 'localhost'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://[::1]/hook', 'IPv6 loopback'],
    ['http://hooks.example.org/', 'plain http'],
    ['https://user:pass@hooks.example.org/', 'credentials in the URL'],
    ['not a url', 'not a URL'],
    ['http://127.0.0.1:9999/hook', 'a loopback receiver (allowed only locally)'],
  ])('public-https rejects %s (%s): 422 naming channel.url, nothing written', async (url) => {
    // Prepare
    const { service, repository } = setup({ policy: 'public-https' });

    // Act
    const error = await rejectionOf(service.create(PROGRAMME_MANAGER, webhook(url)));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.errors).toHaveLength(1);
    expect(error.errors![0]!.path).toBe('channel.url');
    expect(error.errors![0]!.message).toMatch(/must|resolve/);
    expect(repository.writes).toBe(0);
  });

  it('public-https rejects a host that resolves to a private address', async () => {
    // Prepare
    const { service } = setup({ policy: 'public-https', resolve: async () => ['93.184.215.14', '10.1.2.3'] });

    // Act
    const error = await rejectionOf(service.create(PROGRAMME_MANAGER, webhook('https://rebind.example.org/hook')));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.errors).toEqual([{ path: 'channel.url', message: 'resolves to a private, loopback, link-local or reserved address' }]);
  });

  it('public-https rejects a host that does not resolve', async () => {
    // Prepare
    const { service } = setup({ policy: 'public-https', resolve: async () => Promise.reject(new Error('ENOTFOUND')) });

    // Act
    const error = await rejectionOf(service.create(PROGRAMME_MANAGER, webhook('https://nowhere.invalid/hook')));

    // Assess
    expect(error.errors).toEqual([{ path: 'channel.url', message: 'host does not resolve' }]);
  });

  it('public-https accepts an https URL whose host resolves to public addresses only', async () => {
    // Prepare
    const { service } = setup({ policy: 'public-https', resolve: async () => ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });

    // Act
    const view = await service.create(PROGRAMME_MANAGER, webhook('https://hooks.example.org/jointly'));

    // Assess
    expect(view.channel).toEqual({ type: 'webhook', url: 'https://hooks.example.org/jointly', payload: 'jointly-event' });
  });

  it('allow-loopback accepts http://127.0.0.1:9999/hook and http://localhost receivers', async () => {
    // Prepare
    const { service } = setup({ policy: 'allow-loopback', resolve: async () => Promise.reject(new Error('no DNS expected')) });

    // Act
    const ip = await service.create(PROVIDE_NURSE, webhook('http://127.0.0.1:9999/hook'));
    const name = await service.create(PROVIDE_NURSE, webhook('http://localhost:8080/receiver'));

    // Assess
    expect(ip.channel).toEqual({ type: 'webhook', url: 'http://127.0.0.1:9999/hook', payload: 'jointly-event' });
    expect(name.channel).toEqual({ type: 'webhook', url: 'http://localhost:8080/receiver', payload: 'jointly-event' });
  });

  it('allow-loopback still rejects private and link-local addresses', async () => {
    // Prepare
    const { service } = setup({ policy: 'allow-loopback' });

    // Act
    const errors = await Promise.all(
      ['http://169.254.169.254/', 'https://10.0.0.1/', 'http://192.168.1.10/'].map((url) =>
        rejectionOf(service.create(PROVIDE_NURSE, webhook(url))),
      ),
    );

    // Assess
    for (const error of errors) expect(error.errors?.[0]?.path).toBe('channel.url');
  });

  it('reports an unknown org and a rejected URL together', async () => {
    // Prepare
    const { service } = setup();

    // Act
    const error = await rejectionOf(
      service.create(
        PROGRAMME_MANAGER,
        body({ filters: { orgs: ['atlantis'] }, channel: { type: 'webhook', url: 'https://10.0.0.1/', secret: SECRET } }),
      ),
    );

    // Assess
    expect(error.errors?.map((e) => e.path)).toEqual(['filters.orgs.0', 'channel.url']);
  });
});

describe('SubscriptionService: webhook secrets', () => {
  it('stores the secret sealed (it opens to the original) and never returns it, sealed or not', async () => {
    // Prepare
    const { service, repository, sealer } = setup();

    // Act
    const created = await service.create(PROGRAMME_MANAGER, webhook('https://hooks.example.org/jointly'));
    const listed = await service.list(PROGRAMME_MANAGER, { limit: 25 });

    // Assess
    const stored = repository.subscriptions.get(created.id)!.channel as { sealedSecret: string };
    expect(stored.sealedSecret).toMatch(/^v2\./);
    expect(stored.sealedSecret).not.toContain(SECRET);
    expect(await sealer.open(stored.sealedSecret, { subscriptionId: created.id })).toBe(SECRET);
    for (const json of [JSON.stringify(created), JSON.stringify(listed)]) {
      expect(json).not.toContain(SECRET);
      expect(json).not.toContain(stored.sealedSecret);
      expect(json).not.toMatch(/secret/i);
    }
  });
});

describe('SubscriptionService: ownership', () => {
  it("answers 404 for another user's subscription on delete, deliveries and redrive", async () => {
    // Prepare
    const { service, repository } = setup();
    const mine = await service.create(PROVIDE_NURSE, body());
    const writes = repository.writes;

    // Act
    const errors = await Promise.all([
      rejectionOf(service.delete(ECC_WORKER, mine.id)),
      rejectionOf(service.deliveries(ECC_WORKER, mine.id, { limit: 25 })),
      rejectionOf(service.redrive(ECC_WORKER, mine.id)),
      rejectionOf(service.delete(PROGRAMME_MANAGER, mine.id)),
    ]);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(NotFoundError);
    expect(repository.writes).toBe(writes);
    expect(repository.subscriptions.has(mine.id)).toBe(true);
  });

  it('answers 404 for an alert that is not the caller’s', async () => {
    // Prepare
    const { service, repository } = setup();
    const id = `${EVENT_ID}.${SUB_ID}`;
    repository.alertStore.set(id, {
      id,
      eventId: EVENT_ID,
      subscriptionId: SUB_ID,
      type: 'handoff.offered',
      referralId: 'R',
      summary: 's',
      createdAt: NOW.toISOString(),
      ownerSub: 'u-provide-nurse',
    });

    // Act
    const error = await rejectionOf(service.ackAlert(ECC_WORKER, id));
    const acked = await service.ackAlert(PROVIDE_NURSE, id);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(acked.readAt).toBe(NOW.toISOString());
  });
});

describe('SubscriptionService.redrive', () => {
  const job = (eventId: string, attempt: number): EventDeliveryJob => ({
    subscriptionId: SUB_ID,
    ownerSub: 'u-pm',
    attempt,
    event: {
      specVersion: 1,
      id: eventId,
      type: 'handoff.offered',
      seq: 3,
      at: NOW.toISOString(),
      actor: { sub: 'x', org: 'ecc', role: 'practitioner' },
      referralId: 'R',
      data: {},
    },
  });

  it('queues every dead letter again as attempt 1 and removes it', async () => {
    // Prepare
    const { service, repository, sent } = setup();
    const { id } = await service.create(PROGRAMME_MANAGER, webhook('https://hooks.example.org/'));
    for (const eventId of ['E1', 'E2', 'E3'])
      repository.deadLetterStore.set(eventId, { eventId, job: { ...job(eventId, 6), subscriptionId: id } });

    // Act
    const result = await service.redrive(PROGRAMME_MANAGER, id);

    // Assess
    expect(result).toEqual({ redriven: 3 });
    expect(sent.map((s) => [s.job.event.id, s.job.attempt, s.job.subscriptionId])).toEqual([
      ['E1', 1, id],
      ['E2', 1, id],
      ['E3', 1, id],
    ]);
    expect(repository.deadLetterStore.size).toBe(0);
  });

  it('keeps a dead letter whose job could not be queued, removing only those that were', async () => {
    // Prepare
    const { service, repository, sent, failSendsOn } = setup();
    const { id } = await service.create(PROGRAMME_MANAGER, webhook('https://hooks.example.org/'));
    for (const eventId of ['E1', 'E2', 'E3']) repository.deadLetterStore.set(eventId, { eventId, job: job(eventId, 6) });
    failSendsOn('E2');

    // Act
    const error = await rejectionOf(service.redrive(PROGRAMME_MANAGER, id));

    // Assess
    expect(error.message).toBe('queue unavailable');
    expect(sent.map((s) => s.job.event.id)).toEqual(['E1', 'E3']);
    expect([...repository.deadLetterStore.keys()]).toEqual(['E2']);
  });

  it('with nothing dead-lettered answers 0 without needing the queue', async () => {
    // Prepare
    const { service } = setup();
    const { id } = await service.create(PROGRAMME_MANAGER, body());

    // Act
    const result = await service.redrive(PROGRAMME_MANAGER, id);

    // Assess
    expect(result).toEqual({ redriven: 0 });
  });
});

describe('SubscriptionService.create: the per-user cap', () => {
  it('answers the create past the cap with 422 naming subscriptions and the cap, writing nothing', async () => {
    // Prepare
    const { service, repository } = setup({ cap: 3 });
    for (let i = 0; i < 3; i++) await service.create(PROVIDE_NURSE, body());
    const writes = repository.writes;

    // Act
    const error = await rejectionOf(service.create(PROVIDE_NURSE, body()));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.errors!).toEqual([{ path: 'subscriptions', message: 'at most 3 subscriptions per person' }]);
    expect((error as Error).message).toContain('3 subscriptions');
    expect(repository.writes).toBe(writes);
  });

  it('counts per user: another user still has every slot', async () => {
    // Prepare
    const { service } = setup({ cap: 1 });
    await service.create(PROVIDE_NURSE, body());

    // Act
    const other = await service.create(ECC_WORKER, body());

    // Assess
    expect(other.status).toBe('active');
  });

  it('gives an expired subscription’s slot back when the cap is reached', async () => {
    // Prepare
    const { service, repository } = setup({ cap: 1 });
    const old = await service.create(PROVIDE_NURSE, body());
    const stored = repository.subscriptions.get(old.id)!;
    repository.subscriptions.set(old.id, { ...stored, expiresAt: '2025-03-01T00:00:00.000Z' });

    // Act
    const made = await service.create(PROVIDE_NURSE, body());

    // Assess
    expect(made.status).toBe('active');
    expect(repository.subscriptions.has(old.id)).toBe(false);
  });

  it('defaults the cap to MAX_SUBSCRIPTIONS_PER_USER (20)', async () => {
    // Prepare
    const { service } = setup();
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_USER; i++) await service.create(PROVIDE_NURSE, body());

    // Act
    const error = await rejectionOf(service.create(PROVIDE_NURSE, body()));

    // Assess
    expect(MAX_SUBSCRIPTIONS_PER_USER).toBe(20);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
  });
});

describe('SubscriptionService.create: e-mail only to the owner’s organisation', () => {
  const email = (address: string) => body({ channel: { type: 'email', address } });

  it.each([
    ['an exact domain', PROVIDE_NURSE, 'nurse@provide.org.uk'],
    ['a subdomain', ECC_WORKER, 'team@adults.essex.gov.uk'],
    ['any letter case', ECC_WORKER, 'Team@ESSEX.gov.UK'],
    ['a programme manager’s own org', PROGRAMME_MANAGER, 'pm@mse.nhs.uk'],
  ])('accepts %s', async (_, caller, address) => {
    // Prepare
    const { service } = setup();

    // Act
    const made = await service.create(caller, email(address));

    // Assess
    expect(made.channel).toEqual({ type: 'email', address });
  });

  it.each([
    ['another org’s domain', PROVIDE_NURSE, 'someone@essex.gov.uk'],
    ['a look-alike suffix', ECC_WORKER, 'x@notessex.gov.uk'],
    ['nhs.net, shared by every NHS body', PROGRAMME_MANAGER, 'pm@nhs.net'],
    ['a public mailbox', PROVIDE_NURSE, 'nurse@gmail.com'],
  ])('rejects %s with 422 naming channel.address, writing nothing', async (_, caller, address) => {
    // Prepare
    const { service, repository } = setup();

    // Act
    const error = await rejectionOf(service.create(caller, email(address)));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.errors!.map((e) => e.path)).toEqual(['channel.address']);
    expect(repository.writes).toBe(0);
  });
});

describe('SubscriptionService.renew', () => {
  it('gives the owner’s subscription 90 days from now, also once expired', async () => {
    // Prepare
    const { service, repository } = setup();
    const made = await service.create(PROVIDE_NURSE, body());
    repository.subscriptions.set(made.id, { ...repository.subscriptions.get(made.id)!, expiresAt: '2025-03-01T00:00:00.000Z' });

    // Act
    const renewed = await service.renew(PROVIDE_NURSE, made.id);

    // Assess
    expect(renewed).toMatchObject({ id: made.id, status: 'active', expiresAt: '2025-06-01T12:00:00.000Z' });
  });

  it('answers 404 to anyone but the owner, a programme manager included', async () => {
    // Prepare
    const { service } = setup();
    const made = await service.create(PROVIDE_NURSE, body());

    // Act
    const errors = await Promise.all([ECC_WORKER, PROGRAMME_MANAGER].map((caller) => rejectionOf(service.renew(caller, made.id))));

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(NotFoundError);
  });

  it('answers 409 for a subscription a programme manager disabled', async () => {
    // Prepare
    const { service } = setup();
    const made = await service.create(PROVIDE_NURSE, body());
    await service.disable(PROGRAMME_MANAGER, made.id);

    // Act
    const error = await rejectionOf(service.renew(PROVIDE_NURSE, made.id));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
  });
});

describe('SubscriptionService: programme managers’ oversight', () => {
  it('lists every subscription with its owner for a programme manager, never a secret; 403 for practitioners', async () => {
    // Prepare
    const { service } = setup();
    await service.create(PROVIDE_NURSE, body());
    await service.create(ECC_WORKER, webhook('https://hooks.example.org/in'));

    // Act
    const all = await service.listAll(PROGRAMME_MANAGER, { limit: 50 });
    const refused = await rejectionOf(service.listAll(PROVIDE_NURSE, { limit: 50 }));

    // Assess
    expect(all.items.map((s) => s.ownerSub).sort()).toEqual([ECC_WORKER.sub, PROVIDE_NURSE.sub]);
    expect(JSON.stringify(all)).not.toMatch(/secret/i);
    expect(refused).toBeInstanceOf(ForbiddenError);
  });

  it('disables any subscription, recording who and when; again keeps the first record', async () => {
    // Prepare
    const { service } = setup();
    const made = await service.create(PROVIDE_NURSE, body());
    const otherPm: Caller = { sub: 'u-pm-2', org: 'ecc', roles: ['programme_manager'] };

    // Act
    const first = await service.disable(PROGRAMME_MANAGER, made.id);
    const again = await service.disable(otherPm, made.id);

    // Assess
    expect(first).toMatchObject({
      status: 'disabled',
      disabledBy: { sub: 'u-pm', org: 'meht' },
      disabledAt: NOW.toISOString(),
      ownerSub: PROVIDE_NURSE.sub,
    });
    expect(again.disabledBy).toEqual({ sub: 'u-pm', org: 'meht' });
  });

  it('answers a practitioner 403 for their own subscription and 404 for anyone else’s; a programme manager 404 for a missing id', async () => {
    // Prepare
    const { service } = setup();
    const made = await service.create(PROVIDE_NURSE, body());

    // Act
    const own = await rejectionOf(service.disable(PROVIDE_NURSE, made.id));
    const others = await rejectionOf(service.disable(ECC_WORKER, made.id));
    const missing = await rejectionOf(service.disable(PROGRAMME_MANAGER, SUB_ID));

    // Assess
    expect(own).toBeInstanceOf(ForbiddenError);
    expect(others).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});
