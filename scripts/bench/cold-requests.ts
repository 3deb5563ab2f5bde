/**
 * How to prepare the requests of the cold-start section: one plan per API function, naming
 * the route its requests go to, who sends them, and how to make the state each request
 * needs through the running local runtime's own API, so that the request a cold child
 * answers is real and succeeds. A mutating route gets a fresh resource per request (a
 * submitted referral per accept, an offered handoff per handoff accept, a subscription per
 * renew, delete or disable, an unread alert per acknowledgement); a read gets data to read.
 * Where a route cannot sensibly succeed, the plan says what it answers and why.
 */
import { functionIdOf, type RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';
import type { Caller } from '../../shared/core/identity.ts';
import type { ColdRequest } from './cold-event.ts';
import { PROGRAMME_MANAGER } from './event-latency.ts';
import type { BenchCaller, JsonClient } from './http-client.ts';
import { ECC, HANDOFF_REASON, HANDOFF_TARGET, newReferralInput, PROVIDE, randomNhsNumber } from './operations.ts';

/** The practitioner of the organisation handoffs are offered to (the acute trust). */
export const MEHT: Caller = { sub: 'bench-meht-frailty-nurse', org: HANDOFF_TARGET, roles: ['practitioner'] };

/** What the plans prepare state with. */
export interface ColdPrepareContext {
  readonly api: JsonClient;
  /** Resolves when every committed event has been published and fanned out (`LocalRuntime.drain`). */
  readonly drain: () => Promise<void>;
}

/**
 * State made through the runtime's API, shared by the plans: helpers that make fresh
 * resources, and a few made once and read by many requests.
 */
export class ColdFixtures {
  readonly #api: JsonClient;
  readonly #drain: () => Promise<void>;
  #callers = 0;
  #shared = new Map<string, Promise<unknown>>();

  constructor(context: ColdPrepareContext) {
    this.#api = context.api;
    this.#drain = context.drain;
  }

  /** An ID token of `caller` from the local issuer. */
  token(caller: BenchCaller): Promise<string> {
    return this.#api.tokenFor(caller);
  }

  /** A caller no other request uses (each user may hold only so many subscriptions). */
  freshCaller(base: Caller): Caller {
    this.#callers += 1;
    return { ...base, sub: `${base.sub}-cold-${this.#callers}` };
  }

  /** Made once per run, then shared. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let made = this.#shared.get(key) as Promise<T> | undefined;
    if (!made) {
      made = make();
      this.#shared.set(key, made);
    }
    return made;
  }

  /** `n` fresh referrals from Provide to ECC, submitted; their ids. */
  async submittedReferrals(n: number): Promise<string[]> {
    const token = await this.token(PROVIDE);
    return Promise.all(
      Array.from({ length: n }, async () => {
        const referral = await this.#api.expect(201, 'POST', '/referrals', token, JSON.stringify(newReferralInput()));
        return referral.id as string;
      }),
    );
  }

  /** `n` fresh referrals ECC has accepted (no handoff open); their ids. */
  async acceptedReferrals(n: number): Promise<string[]> {
    const ids = await this.submittedReferrals(n);
    const token = await this.token(ECC);
    await Promise.all(ids.map((id) => this.#api.expect(200, 'POST', `/referrals/${id}/accept`, token, '{}')));
    return ids;
  }

  /** `n` fresh handoffs ECC has offered to MEHT, open; their ids. */
  async offeredHandoffs(n: number): Promise<string[]> {
    const referrals = await this.acceptedReferrals(n);
    const token = await this.token(ECC);
    const body = JSON.stringify({ toOrg: HANDOFF_TARGET, reason: HANDOFF_REASON });
    return Promise.all(
      referrals.map(async (id) => (await this.#api.expect(201, 'POST', `/referrals/${id}/handoffs`, token, body)).id as string),
    );
  }

  /** A referral with some history (submitted, accepted, a note), read by many requests. */
  sharedReferral(): Promise<{ id: string; nhsNumber: string }> {
    return this.once('referral', async () => {
      const nhsNumber = randomNhsNumber();
      const [provide, ecc] = await Promise.all([this.token(PROVIDE), this.token(ECC)]);
      const { id } = await this.#api.expect(201, 'POST', '/referrals', provide, JSON.stringify(newReferralInput(nhsNumber)));
      await this.#api.expect(200, 'POST', `/referrals/${id}/accept`, ecc, '{}');
      await this.#api.expect(201, 'POST', `/referrals/${id}/notes`, ecc, JSON.stringify({ text: 'Joint visit booked for Thursday.' }));
      return { id: id as string, nhsNumber };
    });
  }

  /** An open handoff to MEHT, read by many requests. */
  sharedHandoff(): Promise<string> {
    return this.once('handoff', async () => (await this.offeredHandoffs(1))[0]!);
  }

  /** `n` fresh inbox subscriptions of `owner`; their ids. */
  async subscriptions(owner: Caller, n: number): Promise<string[]> {
    const token = await this.token(owner);
    const body = JSON.stringify({ eventTypes: ['referral.accepted'], channel: { type: 'inbox' } });
    const ids: string[] = [];
    // One at a time: the cap per user is counted in a condition, which concurrent creates would race.
    for (let i = 0; i < n; i++) ids.push((await this.#api.expect(201, 'POST', '/subscriptions', token, body)).id as string);
    return ids;
  }

  /** A subscription that exists for reads of its deliveries and a redrive (nothing dead-lettered). */
  sharedSubscription(): Promise<string> {
    return this.once('subscription', async () => (await this.subscriptions(ECC, 1))[0]!);
  }

  /**
   * `n` fresh unread alerts in ECC's inbox: a referral to ECC each, fanned out to ECC's
   * inbox subscription to `referral.submitted`; their ids.
   */
  async unreadAlerts(n: number): Promise<string[]> {
    const token = await this.token(ECC);
    await this.once('alert-subscription', () =>
      this.#api.expect(
        201,
        'POST',
        '/subscriptions',
        token,
        JSON.stringify({ eventTypes: ['referral.submitted'], channel: { type: 'inbox' } }),
      ),
    );
    const referrals = new Set(await this.submittedReferrals(n));
    await this.#drain();
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#api.expect(
        200,
        'GET',
        `/alerts?unread=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token,
      );
      for (const alert of page.items as { id: string; referralId: string }[]) if (referrals.has(alert.referralId)) found.push(alert.id);
      cursor = page.after ?? undefined;
    } while (found.length < n && cursor);
    if (found.length < n) throw new Error(`Only ${found.length} of ${n} alerts reached ECC's inbox.`);
    return found;
  }
}

/** How the requests of one route are made. */
export interface ColdRequestPlan {
  /** The route its requests go to (`notFound` for `$default`). */
  readonly operationId: string;
  /** What the first request answers when all is well. */
  readonly expectedStatus: number;
  /** Why, where that is not the route's plain success. */
  readonly note?: string;
  /** `count` requests of the same kind, each with the state it needs made. */
  readonly prepare: (fixtures: ColdFixtures, count: number) => Promise<ColdRequest[]>;
}

/** `count` times the same request. */
const times = (count: number, request: ColdRequest): ColdRequest[] => Array.from({ length: count }, () => request);

/** A plan whose requests all read the same thing as `caller`. */
const reading =
  (caller: BenchCaller | undefined, url: (fixtures: ColdFixtures) => Promise<string> | string) =>
  async (fixtures: ColdFixtures, count: number): Promise<ColdRequest[]> =>
    times(count, { method: 'GET', url: await url(fixtures), token: caller ? await fixtures.token(caller) : undefined });

/**
 * A plan per route, in the contract's order. A function's cold start is measured with the
 * first plan of its routes here (one function per feature slice, decision record 44): for
 * the referral function that is a referral created, its heaviest first request.
 */
export const COLD_REQUEST_PLANS: readonly ColdRequestPlan[] = [
  { operationId: 'getHealth', expectedStatus: 200, prepare: reading(undefined, () => '/health') },
  { operationId: 'getOpenApi', expectedStatus: 200, prepare: reading(undefined, () => '/openapi.json') },
  { operationId: 'getReference', expectedStatus: 200, prepare: reading(ECC, () => '/reference') },
  {
    operationId: 'createReferral',
    expectedStatus: 201,
    prepare: async (fixtures, count) => {
      const token = await fixtures.token(PROVIDE);
      return Array.from({ length: count }, () => ({ method: 'POST', url: '/referrals', body: newReferralInput(), token }));
    },
  },
  {
    operationId: 'listReferrals',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => {
      await fixtures.sharedReferral();
      await fixtures.submittedReferrals(3);
      return '/referrals?box=inbox&status=submitted';
    }),
  },
  {
    operationId: 'searchReferrals',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const { nhsNumber } = await fixtures.sharedReferral();
      return times(count, { method: 'POST', url: '/referrals/search', body: { nhsNumber }, token: await fixtures.token(ECC) });
    },
  },
  {
    operationId: 'getReferral',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/referrals/${(await fixtures.sharedReferral()).id}`),
  },
  {
    operationId: 'acceptReferral',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const [ids, token] = await Promise.all([fixtures.submittedReferrals(count), fixtures.token(ECC)]);
      return ids.map((id) => ({ method: 'POST', url: `/referrals/${id}/accept`, body: {}, token }));
    },
  },
  {
    operationId: 'getReferralHistory',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/referrals/${(await fixtures.sharedReferral()).id}/history`),
  },
  {
    operationId: 'addNote',
    expectedStatus: 201,
    prepare: async (fixtures, count) => {
      const [{ id }, token] = await Promise.all([fixtures.sharedReferral(), fixtures.token(ECC)]);
      return times(count, {
        method: 'POST',
        url: `/referrals/${id}/notes`,
        body: { text: 'Spoke to the daughter; she will be there.' },
        token,
      });
    },
  },
  {
    operationId: 'listNotes',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/referrals/${(await fixtures.sharedReferral()).id}/notes`),
  },
  {
    operationId: 'getAccessLog',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/referrals/${(await fixtures.sharedReferral()).id}/access-log`),
  },
  {
    operationId: 'offerHandoff',
    expectedStatus: 201,
    prepare: async (fixtures, count) => {
      const [ids, token] = await Promise.all([fixtures.acceptedReferrals(count), fixtures.token(ECC)]);
      return ids.map((id) => ({
        method: 'POST',
        url: `/referrals/${id}/handoffs`,
        body: { toOrg: HANDOFF_TARGET, reason: HANDOFF_REASON },
        token,
      }));
    },
  },
  {
    operationId: 'listHandoffs',
    expectedStatus: 200,
    prepare: reading(MEHT, async (fixtures) => {
      await fixtures.sharedHandoff();
      return '/handoffs?box=inbox&status=offered';
    }),
  },
  {
    operationId: 'getHandoff',
    expectedStatus: 200,
    prepare: reading(MEHT, async (fixtures) => `/handoffs/${await fixtures.sharedHandoff()}`),
  },
  {
    operationId: 'acceptHandoff',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const [ids, token] = await Promise.all([fixtures.offeredHandoffs(count), fixtures.token(MEHT)]);
      return ids.map((id) => ({ method: 'POST', url: `/handoffs/${id}/accept`, body: {}, token }));
    },
  },
  {
    // The person's-rights function, first measured with an export (a read of one person's records).
    operationId: 'exportSubject',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const { nhsNumber } = await fixtures.sharedReferral();
      const token = await fixtures.token({
        ...PROGRAMME_MANAGER,
        sub: 'bench-ig-lead',
        roles: ['programme_manager', 'information_governance'],
      });
      return times(count, { method: 'POST', url: '/subjects/export', body: { nhsNumber }, token });
    },
  },
  {
    operationId: 'createSubscription',
    expectedStatus: 201,
    prepare: async (fixtures, count) => {
      const token = await fixtures.token(fixtures.freshCaller(ECC));
      return times(count, {
        method: 'POST',
        url: '/subscriptions',
        body: { eventTypes: ['referral.*', 'handoff.offered'], channel: { type: 'inbox' } },
        token,
      });
    },
  },
  {
    operationId: 'listSubscriptions',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => {
      await fixtures.sharedSubscription();
      return '/subscriptions';
    }),
  },
  {
    operationId: 'deleteSubscription',
    expectedStatus: 204,
    prepare: async (fixtures, count) => {
      const owner = fixtures.freshCaller(ECC);
      const [ids, token] = await Promise.all([fixtures.subscriptions(owner, count), fixtures.token(owner)]);
      return ids.map((id) => ({ method: 'DELETE', url: `/subscriptions/${id}`, token }));
    },
  },
  {
    operationId: 'listDeliveries',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/subscriptions/${await fixtures.sharedSubscription()}/deliveries`),
  },
  {
    operationId: 'redriveSubscription',
    expectedStatus: 202,
    note: 'nothing dead-lettered, so nothing is queued ({"redriven":0}): queueing would call SQS, which has no local stand-in here',
    prepare: async (fixtures, count) => {
      const [id, token] = await Promise.all([fixtures.sharedSubscription(), fixtures.token(ECC)]);
      return times(count, { method: 'POST', url: `/subscriptions/${id}/redrive`, token });
    },
  },
  {
    operationId: 'renewSubscription',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const owner = fixtures.freshCaller(ECC);
      const [ids, token] = await Promise.all([fixtures.subscriptions(owner, count), fixtures.token(owner)]);
      return ids.map((id) => ({ method: 'POST', url: `/subscriptions/${id}/renew`, token }));
    },
  },
  {
    operationId: 'disableSubscription',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const [ids, token] = await Promise.all([fixtures.subscriptions(fixtures.freshCaller(ECC), count), fixtures.token(PROGRAMME_MANAGER)]);
      return ids.map((id) => ({ method: 'POST', url: `/subscriptions/${id}/disable`, token }));
    },
  },
  {
    operationId: 'listAlerts',
    expectedStatus: 200,
    prepare: reading(ECC, () => '/alerts?unread=true'),
  },
  {
    operationId: 'ackAlert',
    expectedStatus: 200,
    prepare: async (fixtures, count) => {
      const [ids, token] = await Promise.all([fixtures.unreadAlerts(count), fixtures.token(ECC)]);
      return ids.map((id) => ({ method: 'POST', url: `/alerts/${id}/ack`, token }));
    },
  },
  {
    operationId: 'getMetricsSummary',
    expectedStatus: 200,
    prepare: reading(PROGRAMME_MANAGER, () => '/metrics/summary'),
  },
  // The FHIR face: its heaviest first request first (a referral read through the referral use cases).
  {
    operationId: 'readServiceRequest',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/fhir/R4/ServiceRequest/${(await fixtures.sharedReferral()).id}`),
  },
  { operationId: 'getFhirMetadata', expectedStatus: 200, prepare: reading(undefined, () => '/fhir/R4/metadata') },
  {
    operationId: 'readTask',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => `/fhir/R4/Task/${(await fixtures.sharedReferral()).id}`),
  },
  {
    operationId: 'searchTasks',
    expectedStatus: 200,
    prepare: reading(ECC, async (fixtures) => {
      await fixtures.submittedReferrals(3);
      return '/fhir/R4/Task?owner=Organization/ecc&status=requested';
    }),
  },
  { operationId: 'readOrganization', expectedStatus: 200, prepare: reading(ECC, () => '/fhir/R4/Organization/ecc') },
  { operationId: 'readCodeSystem', expectedStatus: 200, prepare: reading(undefined, () => '/fhir/R4/CodeSystem/outcome') },
  {
    operationId: 'notFound',
    expectedStatus: 404,
    note: '$default: an unknown route is answered 404 problem+json, its real answer',
    prepare: reading(ECC, () => '/patients'),
  },
];

/** The function that serves a plan's route (the catch-all's for `notFound`). */
export const functionOfPlan = (
  plan: Pick<ColdRequestPlan, 'operationId'>,
  routes: readonly RouteDefinition[] = ROUTES,
): string | undefined =>
  plan.operationId === DEFAULT_ROUTE.operationId
    ? functionIdOf(DEFAULT_ROUTE)
    : ((route) => route && functionIdOf(route))(routes.find((r) => r.operationId === plan.operationId));

/** The plan that measures `functionId`: the first plan of one of its routes. */
export const coldRequestPlanOf = (functionId: string): ColdRequestPlan => {
  const plan = COLD_REQUEST_PLANS.find((p) => functionOfPlan(p) === functionId);
  if (!plan) throw new Error(`No cold-start request plan for ${functionId}: add one to scripts/bench/cold-requests.ts.`);
  return plan;
};
