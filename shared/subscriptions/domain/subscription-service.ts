/**
 * Subscription, delivery and alert use cases (DESIGN §3–§4): each HTTP handler calls
 * exactly one of these. Rules: the caller owns what they make and nothing else (others'
 * ids are 404), practitioners subscribe to their own organisation only (and by default),
 * programme managers to any (no orgs = programme-wide), webhook URLs must pass the
 * stage's policy (422), and webhook secrets are sealed before they are stored and never
 * returned.
 */
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError, type FieldError } from '../../core/errors.ts';
import { assertHasKnownRole, hasRole, type Caller } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';
import { MAX_REDRIVE, type CreateSubscriptionBody } from './subscription-schemas.ts';
import {
  expiryFrom,
  isAddressInDomains,
  MAX_SUBSCRIPTIONS_PER_USER,
  type Channel,
  type CriticalRule,
  type Subscription,
  type SubscriptionFilters,
} from './subscription.ts';
import type { DeliveryJob, JobQueue, SecretSealer } from '../../core/messaging-ports.ts';
import type { Alert, SubscriptionRepository } from './ports.ts';
import {
  toAlertView,
  toDeliveryView,
  toOversightView,
  toPendingView,
  toSubscriptionView,
  type DeliveryView,
  type PendingPushView,
  type SubscriptionOversightView,
  type SubscriptionView,
} from './subscription-views.ts';
import { assertDeliverableUrl, checkWebhookUrlSyntax, WebhookUrlRejectedError, type Resolver, type WebhookPolicy } from './webhook-url.ts';

/** What the service needs besides the repository. */
export interface SubscriptionServiceDependencies {
  readonly repository: SubscriptionRepository;
  /** Seals webhook secrets before they are stored. */
  readonly sealer: SecretSealer;
  /** The delivery queue, resolved when a redrive needs it. */
  readonly deliveryQueue: () => JobQueue<DeliveryJob>;
  readonly organisations: readonly string[];
  /** Each organisation's e-mail domains (an org not in the map has none). */
  readonly emailDomains: ReadonlyMap<string, readonly string[]>;
  /** Most subscriptions one user may hold (default {@link MAX_SUBSCRIPTIONS_PER_USER}). */
  readonly subscriptionCap?: number | undefined;
  readonly webhookPolicy: WebhookPolicy;
  /** DNS resolution of webhook hosts (tests inject one). */
  readonly resolve: Resolver;
  readonly newId: () => string;
  readonly clock?: () => Date;
}

/** A critical rule as stored: only what was said (`override` absent = on). */
const criticalRuleOf = (body: NonNullable<CreateSubscriptionBody['critical']>): CriticalRule => ({
  ...(body.override !== undefined ? { override: body.override } : {}),
  ...(body.eventTypes ? { eventTypes: unique(body.eventTypes) } : {}),
  ...(body.priorities ? { priorities: unique(body.priorities) } : {}),
});

/** Dead letters queued (and then deleted) per round of a redrive. */
const REDRIVE_CHUNK = 25;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The subscription use cases. */
export class SubscriptionService {
  private readonly deps: SubscriptionServiceDependencies;
  private readonly known: ReadonlySet<string>;

  constructor(deps: SubscriptionServiceDependencies) {
    this.deps = deps;
    this.known = new Set(deps.organisations);
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** The webhook URL's problem under this stage's policy, if any (DNS included). */
  private async webhookUrlProblem(url: string): Promise<FieldError | undefined> {
    try {
      checkWebhookUrlSyntax(url, this.deps.webhookPolicy);
      await assertDeliverableUrl(url, this.deps.webhookPolicy, this.deps.resolve);
      return undefined;
    } catch (error) {
      if (error instanceof WebhookUrlRejectedError) return { path: 'channel.url', message: error.message };
      throw error;
    }
  }

  /** `POST /subscriptions`: a subscription owned by the caller. */
  async create(caller: Caller, body: CreateSubscriptionBody): Promise<SubscriptionView> {
    assertHasKnownRole(caller);
    const programmeManager = hasRole(caller, 'programme_manager');
    const requestedOrgs = body.filters?.orgs;

    // 422: well-formed, but naming what does not exist or may not be used.
    const problems: FieldError[] = (requestedOrgs ?? []).flatMap((org, i) =>
      this.known.has(org) ? [] : [{ path: `filters.orgs.${i}`, message: 'is not a known organisation' }],
    );
    if (body.channel.type === 'webhook') {
      const problem = await this.webhookUrlProblem(body.channel.url);
      if (problem) problems.push(problem);
    }
    // An unknown organisation is a 403 below, not a domain problem.
    if (body.channel.type === 'email' && this.known.has(caller.org)) {
      const domains = this.deps.emailDomains.get(caller.org) ?? [];
      if (!isAddressInDomains(body.channel.address, domains)) {
        problems.push({
          path: 'channel.address',
          message:
            domains.length > 0
              ? `must be at an e-mail domain of your organisation (${domains.join(', ')})`
              : 'cannot be used: your organisation has no e-mail domains configured',
        });
      }
    }
    if (problems.length > 0) {
      throw new UnprocessableEntityError(
        `The subscription cannot be made: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
        problems,
      );
    }

    // 403: practitioners hear their own organisation's events only.
    if (!programmeManager) {
      if (!this.known.has(caller.org)) {
        throw new ForbiddenError('Your account’s organisation is not known to Jointly, so it cannot subscribe to events.');
      }
      if (requestedOrgs?.some((org) => org !== caller.org)) {
        throw new ForbiddenError('Practitioners may subscribe to their own organisation’s events only (filters.orgs).');
      }
    }

    const orgs = requestedOrgs ? unique(requestedOrgs) : programmeManager ? undefined : [caller.org];
    const filters: SubscriptionFilters = {
      ...(orgs ? { orgs } : {}),
      ...(body.filters?.serviceAreas ? { serviceAreas: unique(body.filters.serviceAreas) } : {}),
      ...(body.filters?.priorities ? { priorities: unique(body.filters.priorities) } : {}),
    };
    // The id first: the sealed secret is bound to it (a copy on another subscription will not open).
    const id = this.deps.newId();
    const channel: Channel =
      body.channel.type === 'webhook'
        ? {
            type: 'webhook',
            url: body.channel.url,
            sealedSecret: await this.deps.sealer.seal(body.channel.secret, { subscriptionId: id }),
            // Stored only when not the default, so existing subscriptions read the same.
            ...(body.channel.payload && body.channel.payload !== 'jointly-event' ? { payload: body.channel.payload } : {}),
          }
        : body.channel.type === 'email'
          ? { type: 'email', address: body.channel.address }
          : { type: 'inbox' };
    const now = this.now();
    const subscription: Subscription = {
      id,
      ownerSub: caller.sub,
      ownerOrg: caller.org,
      eventTypes: unique(body.eventTypes),
      filters,
      channel,
      createdAt: now.toISOString(),
      expiresAt: expiryFrom(now),
      status: 'active',
      ...(body.quietHours
        ? {
            quietHours: {
              start: body.quietHours.start,
              end: body.quietHours.end,
              timeZone: body.quietHours.timeZone,
              ...(body.quietHours.days ? { days: unique(body.quietHours.days) } : {}),
            },
          }
        : {}),
      // Stored only when a digest: immediate is the default, so existing subscriptions read the same.
      ...(body.delivery?.mode === 'digest'
        ? { delivery: { mode: 'digest', schedule: body.delivery.schedule, timeZone: body.delivery.timeZone } }
        : {}),
      ...(body.critical ? { critical: criticalRuleOf(body.critical) } : {}),
    };
    const cap = this.deps.subscriptionCap ?? MAX_SUBSCRIPTIONS_PER_USER;
    let outcome = await this.deps.repository.create(subscription, cap);
    // At the cap, expired subscriptions (and ones TTL already removed) give their slots back first.
    if (outcome === 'cap-reached' && (await this.deps.repository.reclaimExpired(caller.sub, now)) > 0) {
      outcome = await this.deps.repository.create(subscription, cap);
    }
    if (outcome === 'cap-reached') {
      throw new UnprocessableEntityError(
        `You already hold ${cap} subscriptions, the most one person may have: delete one (or let one expire) first.`,
        [{ path: 'subscriptions', message: `at most ${cap} subscriptions per person` }],
      );
    }
    return toSubscriptionView(subscription, now);
  }

  /** `GET /subscriptions`: the caller's own, newest first. */
  async list(caller: Caller, page: { limit: number; after?: string | undefined }): Promise<Page<SubscriptionView>> {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.listByOwner(caller.sub, page);
    const now = this.now();
    return { items: found.items.map((s) => toSubscriptionView(s, now)), after: found.after };
  }

  /** `GET /subscriptions?scope=all`: every subscription, newest first (programme managers only). */
  async listAll(caller: Caller, page: { limit: number; after?: string | undefined }): Promise<Page<SubscriptionOversightView>> {
    assertHasKnownRole(caller);
    if (!hasRole(caller, 'programme_manager')) {
      throw new ForbiddenError('Only programme managers may list every subscription (scope=all).');
    }
    const found = await this.deps.repository.listAll(page);
    const now = this.now();
    return { items: found.items.map((s) => toOversightView(s, now)), after: found.after };
  }

  /**
   * `POST /subscriptions/{id}/renew`: the owner's subscription hears events for another
   * 90 days (`SUBSCRIPTION_LIFETIME_DAYS`) from now. An expired one not yet removed may be
   * renewed; a disabled one may not (409): a programme manager stopped it.
   */
  async renew(caller: Caller, id: string): Promise<SubscriptionView> {
    const subscription = await this.owned(caller, id);
    if (subscription.status === 'disabled') {
      throw new ConflictError(
        'This subscription was disabled by a programme manager and cannot be renewed; delete it and subscribe again if appropriate.',
      );
    }
    const now = this.now();
    const renewed = await this.deps.repository.renew(subscription, expiryFrom(now));
    if (!renewed) {
      const again = await this.deps.repository.get(caller.sub, id);
      if (again?.status === 'disabled')
        throw new ConflictError('This subscription was disabled by a programme manager and cannot be renewed.');
      throw new NotFoundError('No such subscription.');
    }
    return toSubscriptionView(renewed, now);
  }

  /**
   * `POST /subscriptions/{id}/disable`: a programme manager stops any subscription's
   * deliveries, recording who and when; disabling again keeps the first record. Others:
   * 404 for what is not theirs, 403 for their own (they delete instead).
   */
  async disable(caller: Caller, id: string): Promise<SubscriptionOversightView> {
    assertHasKnownRole(caller);
    if (!hasRole(caller, 'programme_manager')) {
      await this.owned(caller, id);
      throw new ForbiddenError('Only programme managers may disable subscriptions; delete your own subscription instead.');
    }
    const subscription = await this.deps.repository.findById(id);
    if (!subscription) throw new NotFoundError('No such subscription.');
    const now = this.now();
    if (subscription.status === 'disabled') return toOversightView(subscription, now);
    const disabled = await this.deps.repository.disable(subscription, { sub: caller.sub, org: caller.org }, now.toISOString());
    if (!disabled) throw new NotFoundError('No such subscription.');
    return toOversightView(disabled, now);
  }

  /** The caller's own subscription, or 404 (others' ids are indistinguishable from missing ones). */
  private async owned(caller: Caller, id: string): Promise<Subscription> {
    assertHasKnownRole(caller);
    const subscription = await this.deps.repository.get(caller.sub, id);
    if (!subscription) throw new NotFoundError('No such subscription.');
    return subscription;
  }

  /** `DELETE /subscriptions/{id}`: the subscription and its match entries, at once. */
  async delete(caller: Caller, id: string): Promise<void> {
    const subscription = await this.owned(caller, id);
    if (!(await this.deps.repository.delete(subscription))) throw new NotFoundError('No such subscription.');
  }

  /** `GET /subscriptions/{id}/deliveries`: attempts, newest first. */
  async deliveries(caller: Caller, id: string, page: { limit: number; after?: string | undefined }): Promise<Page<DeliveryView>> {
    await this.owned(caller, id);
    const found = await this.deps.repository.deliveries(id, page);
    return { items: found.items.map(toDeliveryView), after: found.after };
  }

  /** `GET /subscriptions/{id}/pending`: what is held for quiet hours or a digest, and when it goes out (soonest first). */
  async pending(caller: Caller, id: string, page: { limit: number; after?: string | undefined }): Promise<Page<PendingPushView>> {
    await this.owned(caller, id);
    const found = await this.deps.repository.pending(id, page);
    return { items: found.items.map(toPendingView), after: found.after };
  }

  /**
   * `POST /subscriptions/{id}/redrive`: queues each dead letter again as attempt 1, then
   * deletes it. A letter is deleted only once its job is queued, so none is lost; a crash
   * in between queues it twice, which consumers absorb (they dedupe on the event id).
   */
  async redrive(caller: Caller, id: string): Promise<{ redriven: number }> {
    await this.owned(caller, id);
    const letters = await this.deps.repository.deadLetters(id, MAX_REDRIVE);
    if (letters.length === 0) return { redriven: 0 };
    const queue = this.deps.deliveryQueue();
    let redriven = 0;
    for (let i = 0; i < letters.length; i += REDRIVE_CHUNK) {
      const chunk = letters.slice(i, i + REDRIVE_CHUNK);
      const results = await Promise.allSettled(chunk.map((letter) => queue.send({ ...letter.job, attempt: 1 })));
      const sent = chunk.filter((_, j) => results[j]!.status === 'fulfilled').map((letter) => letter.eventId);
      if (sent.length > 0) await this.deps.repository.removeDeadLetters(id, sent);
      redriven += sent.length;
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
    return { redriven };
  }

  /** `GET /alerts`: the caller's alerts (or unread ones), newest first. */
  async alerts(caller: Caller, query: { unread: boolean; limit: number; after?: string | undefined }): Promise<Page<Alert>> {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.alerts(caller.sub, query);
    return { items: found.items.map(toAlertView), after: found.after };
  }

  /** `POST /alerts/{id}/ack`: marks the caller's own alert read; acking twice keeps the first time. */
  async ackAlert(caller: Caller, id: string): Promise<Alert> {
    assertHasKnownRole(caller);
    const [eventId, subscriptionId] = id.split('.');
    if (!eventId || !subscriptionId) throw new NotFoundError('No such alert.');
    const alert = await this.deps.repository.ackAlert(caller.sub, eventId, subscriptionId, this.now().toISOString());
    if (!alert) throw new NotFoundError('No such alert.');
    return toAlertView(alert);
  }
}
