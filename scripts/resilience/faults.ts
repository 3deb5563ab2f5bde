// Over 350 lines because the scenario is one run whose steps share its live state (injected faults, sink behaviour, deliveries seen); its checks read that state at the end.
/**
 * Faults: the local runtime with failures injected at every step of the event path and at
 * the DynamoDB client, under a load of referral lives driven through the API:
 *
 * - publishing: `JOINTLY_FAULT_RATE` fails publisher invocations on purpose (the stream
 *   poller retries them); the same knob fails delivery attempts before they call out;
 * - the SDK: `JOINTLY_SDK_FAULT_RATE` makes DynamoDB attempts of every handler and worker
 *   fail before they reach DynamoDB — `TransactionCanceledException` with a
 *   `TransactionConflict` reason on transactions, `ThrottlingException` and
 *   `ProvisionedThroughputExceededException` (inside the SDK's retry loop, so the SDK
 *   retries them as in AWS), timeouts and internal errors;
 * - webhook delivery: the receiver answers 500 to its first requests, hangs past the 5 s
 *   delivery timeout on a few, and refuses every event of one "poisoned" referral until it
 *   is healed, so deliveries are dead-lettered and then redriven.
 *
 * Beside the immediate webhook, a quiet-hours webhook (quiet hours covering the whole run, its
 * windows shortened to {@link PUSH_WINDOW_SECONDS} s) and an hourly digest webhook (the same
 * shortened windows) hear every event through the same faults, their receivers failing their
 * first requests too.
 *
 * Checked: enough faults of every kind were injected in every place; every API response,
 * faulted or not, is well formed (2xx, or problem+json whose 5xx says nothing of the fault);
 * exactly one inbox alert per event and none without its event; every delivery chain stops
 * at 5 attempts, dead-lettered at the 5th; redrive re-sends every dead letter and then finds
 * none; every event is acknowledged by the webhook, any duplicate being the same signed
 * body with the same `Jointly-Event-Id`; every event reached the quiet-hours webhook, and is in
 * exactly one digest (a digest id always naming the same events); nothing is left held; no local
 * queue gave up on a message.
 */
import { ulid } from 'ulid';
import { verifyWebhook } from '../../shared/subscriptions/domain/webhook-signature.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply, type Who } from '../../test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../../test/support/local-runtime-process.ts';
import { INJECTED_FAULT_MARKER } from '../../infra/local/runtime.ts';
import {
  Checks,
  drainRuntime,
  dynamodbEndpointOf,
  headerValue,
  inPool,
  runtimeStats,
  scanTable,
  sleep,
  startWebhookSink,
  tally,
  type ScenarioOptions,
  type ScenarioResult,
  type SinkRequest,
  type WebhookSink,
} from './common.ts';

const SIZES = {
  small: { referrals: 25, concurrency: 6, failingFirst: 10, hangs: 1, minimumInjected: 60 },
  full: { referrals: 260, concurrency: 8, failingFirst: 30, hangs: 4, minimumInjected: 1_000 },
} as const;

/** Publishes and delivery attempts failed on purpose. */
const FAULT_RATE = '0.2';
/** DynamoDB attempts failed on purpose, of every handler and worker. */
const SDK_FAULT_RATE = '0.05';
const SECRET = 'faults-webhook-secret-7c2d9e41a0b3f586';
const DELIVERY_TIMEOUT_MS = 5_000;
/** Attempts per delivery before it is dead-lettered (DESIGN: ≤ 5). */
const MAX_ATTEMPTS = 5;
/** Quiet-hours and digest windows last this long (JOINTLY_PUSH_WINDOW_SECONDS). */
const PUSH_WINDOW_SECONDS = 3;
/** Requests the quiet-hours and digest receivers fail before answering 200. */
const HELD_RECEIVER_FAILURES = 3;

/** The wall clock in London `minutes` from now, as "HH:MM". */
const londonClock = (minutes: number): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(Date.now() + minutes * 60_000),
  );

/** Only the poisoned referral is in this service area. */
const POISONED_AREA = 'rapid-response';

const PROVIDE: Who = { sub: 'faults-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'faults-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const PM: Who = { sub: 'faults-programme-manager', org: 'ecc', roles: ['programme_manager'] };

/** Words that would mean a 5xx told the client about its cause. */
const LEAK_WORDS = [
  INJECTED_FAULT_MARKER,
  'Exception',
  'Throttl',
  'TransactionConflict',
  'Timeout',
  'InternalServerError',
  'DynamoDB',
  'at file:',
];

interface Delivery {
  eventId: string;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed' | 'dead-lettered';
  httpStatus?: number;
  error?: string;
}

/** The requests a receiver answered 2xx before the sender gave up on them. */
const acknowledgedBy = (sink: WebhookSink): SinkRequest[] => sink.requests.filter((r) => r.status >= 200 && r.status < 300 && !r.abandoned);

/** Whether a request carries a valid signature of its body, as of when it arrived. */
const isSigned = (r: SinkRequest): boolean =>
  verifyWebhook(SECRET, r.rawBody, headerValue(r.headers, 'Jointly-Signature'), Math.floor(r.receivedAt / 1000));

/** Runs the faults scenario; see the module comment. */
export const faultsScenario = async (options: ScenarioOptions): Promise<ScenarioResult> => {
  const size = SIZES[options.size];
  const log = options.log ?? (() => undefined);
  const checks = new Checks();
  let poisonHealed = false;
  let hangsLeft: number = size.hangs;
  const isPoisoned = (rawBody: string): boolean => {
    try {
      return JSON.parse(rawBody)?.data?.serviceArea === POISONED_AREA;
    } catch {
      return false;
    }
  };
  const sink = await startWebhookSink(({ rawBody, index }) => {
    if (index < size.failingFirst) return { status: 500 };
    if (!poisonHealed && isPoisoned(rawBody)) return { status: 500 };
    // A few requests hang past the delivery timeout (spread out, so they do not all hit one event).
    if (hangsLeft > 0 && index % 37 === 0) {
      hangsLeft -= 1;
      return { status: 200, delayMs: DELIVERY_TIMEOUT_MS + 1_500 };
    }
    return { status: 200 };
  });
  const quietSink = await startWebhookSink(({ index }) => ({ status: index < HELD_RECEIVER_FAILURES ? 500 : 200 }));
  const digestSink = await startWebhookSink(({ index }) => ({ status: index < HELD_RECEIVER_FAILURES ? 500 : 200 }));
  let runtime: RuntimeProcess | undefined;
  const tableName = `faults-${ulid().toLowerCase()}`;

  try {
    runtime = await startRuntimeProcess({
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
      JOINTLY_TABLE_NAME: tableName,
      JOINTLY_FAULT_RATE: FAULT_RATE,
      JOINTLY_SDK_FAULT_RATE: SDK_FAULT_RATE,
      JOINTLY_DELIVERY_BACKOFF_BASE_MS: '50',
      JOINTLY_PUSH_WINDOW_SECONDS: String(PUSH_WINDOW_SECONDS),
      JOINTLY_SLA_SWEEP_SECONDS: '1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const api: HandoffApi = handoffApi(runtime.url);
    log(`faults: runtime up at ${runtime.url}`);

    /** Every response the load got, for the well-formedness check. */
    const responses: { what: string; reply: Reply }[] = [];
    const call = async (what: string, request: () => Promise<Reply>): Promise<Reply> => {
      const reply = await request();
      responses.push({ what, reply });
      return reply;
    };
    /** Retries a setup request (a subscription) until it is created: faults may hit it too. */
    const created = async (what: string, request: () => Promise<Reply>): Promise<Reply> => {
      for (let attempt = 1; ; attempt++) {
        const reply = await call(what, request);
        if (reply.status === 201 || attempt >= 10) return reply;
        await sleep(50 * attempt);
      }
    };
    const inbox = await created('subscribe', () =>
      api.post(PM, '/subscriptions', { eventTypes: ['*'], channel: { type: 'inbox' } }, { 'Idempotency-Key': ulid() }),
    );
    const webhook = await created('subscribe', () =>
      api.post(
        PM,
        '/subscriptions',
        { eventTypes: ['*'], channel: { type: 'webhook', url: sink.url, secret: SECRET } },
        { 'Idempotency-Key': ulid() },
      ),
    );
    // Quiet hours from an hour ago for six: held all run, released window by window.
    const quiet = await created('subscribe', () =>
      api.post(
        PM,
        '/subscriptions',
        {
          eventTypes: ['*'],
          channel: { type: 'webhook', url: quietSink.url, secret: SECRET },
          quietHours: { start: londonClock(-60), end: londonClock(300), timeZone: 'Europe/London' },
          critical: { override: false },
        },
        { 'Idempotency-Key': ulid() },
      ),
    );
    const digest = await created('subscribe', () =>
      api.post(
        PM,
        '/subscriptions',
        {
          eventTypes: ['*'],
          channel: { type: 'webhook', url: digestSink.url, secret: SECRET },
          delivery: { mode: 'digest', schedule: 'hourly', timeZone: 'Europe/London' },
          critical: { override: false },
        },
        { 'Idempotency-Key': ulid() },
      ),
    );
    if ([inbox, webhook, quiet, digest].some((r) => r.status !== 201)) {
      throw new Error(`subscribe: ${[inbox, webhook, quiet, digest].map((r) => r.status).join(' ')}`);
    }
    const inboxId: string = inbox.body.id;
    const webhookId: string = webhook.body.id;
    const quietId: string = quiet.body.id;
    const digestId: string = digest.body.id;

    /**
     * One referral's life (submitted, accepted, a note, completed), as a careful client lives
     * it under faults: a failed step is retried after reading where the referral stands, a
     * create with the same Idempotency-Key, a note only if it is not in the history yet.
     */
    const live = async (index: number): Promise<string> => {
      const key = ulid();
      const body = {
        toOrg: 'ecc',
        serviceArea: index === 0 ? POISONED_AREA : index % 2 === 0 ? 'crisis-prevention' : 'joint-referral',
        priority: 'routine',
        subject: { nhsNumber: validNhsNumber(), name: 'Fault Injection Person' },
        reason: 'Load under injected faults.',
      };
      let id: string | undefined;
      for (let attempt = 1; !id; attempt++) {
        const reply = await call('create', () => api.post(PROVIDE, '/referrals', body, { 'Idempotency-Key': key }));
        if (reply.status === 201) id = reply.body.id;
        else if (attempt >= 20) throw new Error(`create: still ${reply.status} after ${attempt} tries`);
        else await sleep(20 * attempt);
      }
      const noteText = `Visited; plan agreed (${key}).`;
      for (let round = 0; round < 40; round++) {
        const read = await call('get', () => api.get(PM, `/referrals/${id}`));
        if (read.status !== 200) {
          await sleep(20);
          continue;
        }
        const referral = read.body;
        if (referral.status === 'submitted') await call('accept', () => api.post(ECC, `/referrals/${id}/accept`, {}));
        else if (referral.status === 'accepted') {
          const history = await call('history', () => api.get(PM, `/referrals/${id}/history?limit=100`));
          if (history.status !== 200) continue;
          const noted = (history.body.items as { type: string }[]).some((e) => e.type === 'note.added');
          if (!noted) await call('note', () => api.post(ECC, `/referrals/${id}/notes`, { text: noteText }));
          else await call('complete', () => api.post(ECC, `/referrals/${id}/complete`, { outcome: 'care-package-started' }));
        } else return id!;
      }
      throw new Error(`referral ${id} did not complete under faults`);
    };
    const loadStarted = Date.now();
    const referralIds = await inPool(
      Array.from({ length: size.referrals }, (_, i) => i),
      size.concurrency,
      live,
    );
    log(`faults: ${size.referrals} referrals lived in ${Date.now() - loadStarted} ms; draining`);
    await drainRuntime(runtime.url);
    // Held pushes go out as their windows fall due and the sweep releases them: wait for none left.
    const pendingOf = async (id: string): Promise<number> => {
      for (;;) {
        try {
          return (await api.allPages(PM, `/subscriptions/${id}/pending?limit=100`)).items.length;
        } catch {
          await sleep(100); // a page hit by a fault: read it again
        }
      }
    };
    const heldAtEnd = await (async () => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const left = (await pendingOf(quietId)) + (await pendingOf(digestId));
        if (left === 0 || Date.now() > deadline) return left;
        await sleep(500);
        await drainRuntime(runtime!.url);
      }
    })();
    await drainRuntime(runtime.url);
    log(`faults: held pushes released (${heldAtEnd} left)`);

    // What was committed: from the table (the checker may scan), and through the API.
    const items = await scanTable(dynamodbEndpointOf(runtime), tableName);
    const events = items.filter((i) => i.entity === 'event');
    const eventIds = new Set(events.map((e) => e.id as string));
    const poisonedIds = new Set(events.filter((e) => e.referralId === referralIds[0]).map((e) => e.id as string));
    const histories = await inPool(referralIds, 6, async (id) => {
      for (;;) {
        const reply = await api.get(PM, `/referrals/${id}/history?limit=100`);
        if (reply.status === 200) return reply.body.items as { id: string; seq: number }[];
        await sleep(50);
      }
    });
    checks.check(
      'the histories list exactly the committed events, gap-free',
      histories.every((h) => h.every((e, i) => e.seq === i + 1)) &&
        histories.flat().length === events.length &&
        histories.flat().every((e) => eventIds.has(e.id)),
      `${histories.flat().length} in histories, ${events.length} in the table`,
    );

    // Inbox: exactly one alert per event; none without its event.
    const alerts = items.filter((i) => i.entity === 'alert' && i.subscriptionId === inboxId);
    const alertCounts = tally(alerts.map((a) => a.eventId as string));
    checks.none(
      'every event alerted exactly once (0 lost, 0 duplicated)',
      [...eventIds].filter((id) => alertCounts.get(id) !== 1),
    );
    checks.none(
      'no alert without its event',
      alerts.filter((a) => !eventIds.has(a.eventId)).map((a) => a.id),
    );

    // Webhook: settle (delivered or dead-lettered), then check the attempt histories.
    const readDeliveries = async () => {
      for (;;) {
        try {
          return (await api.allPages(PM, `/subscriptions/${webhookId}/deliveries?limit=100`)).items as Delivery[];
        } catch {
          await sleep(100); // a list page hit by a fault: read it again
        }
      }
    };
    const finalOutcome = (deliveries: readonly Delivery[]) => {
      const outcome = new Map<string, 'delivered' | 'dead-lettered' | 'pending'>();
      const latest = new Map<string, Delivery>();
      for (const d of deliveries) {
        const seen = latest.get(d.eventId);
        if (!seen || d.at > seen.at || (d.at === seen.at && d.attempt > seen.attempt)) latest.set(d.eventId, d);
      }
      for (const [id, d] of latest)
        outcome.set(
          id,
          deliveries.some((x) => x.eventId === id && x.outcome === 'delivered')
            ? 'delivered'
            : d.outcome === 'dead-lettered'
              ? 'dead-lettered'
              : 'pending',
        );
      return outcome;
    };
    const beforeRedrive = await readDeliveries();
    const outcomes = finalOutcome(beforeRedrive);
    checks.none(
      'every event’s delivery settled (delivered, or dead-lettered after its last attempt)',
      [...eventIds].filter((id) => outcomes.get(id) !== 'delivered' && outcomes.get(id) !== 'dead-lettered'),
    );
    const attemptsPerEvent = new Map<string, number[]>();
    for (const d of beforeRedrive) attemptsPerEvent.set(d.eventId, [...(attemptsPerEvent.get(d.eventId) ?? []), d.attempt]);
    checks.none(`retries are bounded: attempts numbered 1…${MAX_ATTEMPTS}, dead-lettered only at attempt ${MAX_ATTEMPTS}`, [
      ...[...attemptsPerEvent].filter(([, attempts]) => attempts.some((a) => a < 1 || a > MAX_ATTEMPTS)),
      ...beforeRedrive.filter((d) => d.outcome === 'dead-lettered' && d.attempt !== MAX_ATTEMPTS),
    ]);
    // An attempt is made again only when its worker failed after calling out and before moving
    // the delivery on (an injected DynamoDB fault), once its lease ran out: at least once.
    const remadeAttempts = [...attemptsPerEvent.values()].reduce((sum, attempts) => sum + attempts.length - new Set(attempts).size, 0);
    checks.none(
      "the poisoned referral's deliveries were dead-lettered",
      [...poisonedIds].filter((id) => outcomes.get(id) !== 'dead-lettered'),
    );
    const deadBefore = [...outcomes].filter(([, o]) => o === 'dead-lettered').map(([id]) => id);

    // Redrive until nothing is left (a request takes at most 250), with the receiver healed.
    poisonHealed = true;
    let redriven = 0;
    const redriveStatuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      const reply = await call('redrive', () => api.post(PM, `/subscriptions/${webhookId}/redrive`));
      redriveStatuses.push(reply.status);
      if (reply.status !== 202) continue;
      if (reply.body.redriven === 0) break;
      redriven += reply.body.redriven;
    }
    // (A redrive hit by a fault may have re-sent some letters before failing: the end state is what counts.)
    checks.check(
      'redrive → 202, re-sending the dead letters, until it finds none left',
      redriven > 0 && redriveStatuses.at(-1) === 202,
      `redriven ${redriven} of ${deadBefore.length} dead letters; statuses ${redriveStatuses.join(',')}`,
    );
    // The quiet-hours and digest webhooks' dead letters too (a digest is redriven whole).
    let heldRedriven = 0;
    for (const id of [quietId, digestId]) {
      for (let round = 0; round < 20; round++) {
        const reply = await call('redrive', () => api.post(PM, `/subscriptions/${id}/redrive`));
        if (reply.status !== 202) continue;
        if (reply.body.redriven === 0) break;
        heldRedriven += reply.body.redriven;
      }
    }
    await drainRuntime(runtime.url);

    // Quiet hours: every event reached the receiver; a duplicate is the same signed body.
    const quietAcks = acknowledgedBy(quietSink);
    const quietIds = new Set(quietAcks.map((r) => headerValue(r.headers, 'Jointly-Event-Id') ?? ''));
    checks.none(
      'the quiet-hours webhook has acknowledged every event, held through the run and released',
      [...eventIds].filter((id) => !quietIds.has(id)),
    );
    checks.none(
      'every quiet-hours request is a committed event, signed, the same body under the same id every time',
      quietSink.requests
        .filter((r) => {
          const id = headerValue(r.headers, 'Jointly-Event-Id') ?? '';
          return (
            !eventIds.has(id) ||
            !isSigned(r) ||
            quietSink.requests.some((o) => headerValue(o.headers, 'Jointly-Event-Id') === id && o.rawBody !== r.rawBody)
          );
        })
        .map((r) => r.index),
    );
    // Digests: each event in exactly one digest; a digest id always names the same events.
    const digestBodies = new Map<string, Set<string>>();
    for (const r of digestSink.requests) {
      const id = headerValue(r.headers, 'Jointly-Event-Id') ?? '';
      digestBodies.set(id, (digestBodies.get(id) ?? new Set()).add(r.rawBody));
    }
    checks.none(
      'a digest id always carries the same signed body (a retried digest is the same digest)',
      [...digestBodies].filter(([, bodies]) => bodies.size > 1).map(([id]) => id),
    );
    const ackedDigests = new Map<string, string[]>();
    for (const r of acknowledgedBy(digestSink)) {
      const body = JSON.parse(r.rawBody) as { id: string; type: string; events: { id: string }[] };
      if (body.type === 'digest' && isSigned(r))
        ackedDigests.set(
          body.id,
          body.events.map((e) => e.id),
        );
    }
    const inDigests = tally([...ackedDigests.values()].flat());
    checks.none(
      'every event is in exactly one acknowledged digest (0 lost, 0 in two)',
      [...eventIds].filter((id) => inDigests.get(id) !== 1),
    );
    checks.none(
      'no digest lists an event that was not committed',
      [...inDigests.keys()].filter((id) => !eventIds.has(id)),
    );
    checks.check(
      'nothing is left held once the windows fell due',
      heldAtEnd === 0 && (await pendingOf(quietId)) + (await pendingOf(digestId)) === 0,
      `${heldAtEnd} held after the wait`,
    );

    const acknowledged = acknowledgedBy(sink);
    const ackCounts = tally(acknowledged.map((r) => headerValue(r.headers, 'Jointly-Event-Id') ?? ''));
    checks.none(
      'after the redrive, the webhook has acknowledged every event',
      [...eventIds].filter((id) => !ackCounts.has(id)),
    );
    checks.none(
      'every webhook request is for a committed event, signed, and names its body’s event id',
      sink.requests
        .filter((r) => {
          const id = headerValue(r.headers, 'Jointly-Event-Id') ?? '';
          return !eventIds.has(id) || !isSigned(r) || JSON.parse(r.rawBody).id !== id;
        })
        .map((r) => r.index),
    );
    const bodiesPerId = new Map<string, Set<string>>();
    for (const r of sink.requests) {
      const id = headerValue(r.headers, 'Jointly-Event-Id') ?? '';
      bodiesPerId.set(id, (bodiesPerId.get(id) ?? new Set()).add(r.rawBody));
    }
    const duplicates = [...ackCounts.values()].reduce((sum, n) => sum + n - 1, 0);
    checks.none(
      'a duplicate is a retried delivery: the same body under the same Jointly-Event-Id every time',
      [...bodiesPerId].filter(([, bodies]) => bodies.size > 1).map(([id]) => id),
    );
    checks.check(
      'duplicate acknowledgements stay rare (≤ 2 % of events)',
      duplicates <= Math.max(2, eventIds.size * 0.02),
      `${duplicates} duplicates for ${eventIds.size} events`,
    );
    const afterRedrive = finalOutcome(await readDeliveries());
    checks.none(
      'the deliveries now say delivered for every event',
      [...eventIds].filter((id) => afterRedrive.get(id) !== 'delivered'),
    );

    // The API under faults: well-formed answers only.
    const stats = await runtimeStats(runtime.url);
    const malformed = responses.filter(({ reply }) => {
      if (reply.status < 400) return reply.status >= 300;
      const problem =
        reply.headers.get('content-type') === 'application/problem+json' &&
        reply.body?.status === reply.status &&
        typeof reply.body?.title === 'string';
      return !problem;
    });
    checks.none(
      'every API response under faults is 2xx or problem+json',
      malformed.map(({ what, reply }) => `${what} ${reply.status} ${reply.text.slice(0, 120)}`),
    );
    checks.none(
      'an injected fault the retries could not absorb is a 409 or a 503 with Retry-After, never a 500',
      responses
        .filter(({ reply }) => reply.status >= 500 && (reply.status !== 503 || !reply.headers.get('retry-after')))
        .map(({ what, reply }) => `${what} ${reply.status}`),
    );
    checks.none(
      'no 5xx says anything of its cause (no injected message, exception name or stack)',
      responses
        .filter(({ reply }) => reply.status >= 500 && LEAK_WORDS.some((w) => reply.text.includes(w)))
        .map(({ what, reply }) => `${what} ${reply.text.slice(0, 160)}`),
    );
    checks.check(
      'the runtime saw no response carrying an injected fault message',
      stats.requests.faulted.leakedFaultMessages === 0,
      JSON.stringify(stats.requests.faulted),
    );
    checks.check(
      'no local queue gave up on a message (0 dead letters outside the redrivable delivery dead letters)',
      Object.values(stats.queues).every((q) => q.deadLetters === 0),
      JSON.stringify(stats.queues),
    );

    // Enough faults, of every kind, in every place.
    const deliveryInjected = beforeRedrive.filter((d) => d.error === 'injected fault').length;
    const timeouts = beforeRedrive.filter((d) => d.error === 'timeout').length;
    const receiver500s = sink.requests.filter((r) => r.status === 500).length;
    const injected = stats.sdkFaults.injected + stats.publisher.failedInvocations + deliveryInjected + receiver500s + timeouts;
    checks.check(`at least ${size.minimumInjected} failures injected`, injected >= size.minimumInjected, `${injected}`);
    checks.none(
      'every SDK fault kind was injected (transaction conflict, throttling, provisioned throughput, timeout, internal error)',
      ['transaction-conflict', 'throttling', 'provisioned-throughput', 'timeout', 'internal-error'].filter(
        (k) => !stats.sdkFaults.byKind[k],
      ),
    );
    checks.none(
      'SDK faults hit the API, the fan-out and the delivery worker',
      ['api', 'fanOut', 'deliveries'].filter((s) => !stats.sdkFaults.byScope[s]),
    );
    checks.check(
      'publishes failed on purpose and were retried',
      stats.publisher.failedInvocations > 0 && stats.publisher.eventsPublished >= eventIds.size,
      JSON.stringify(stats.publisher),
    );
    checks.check(
      'delivery attempts failed on purpose, on 500s and on timeouts',
      deliveryInjected > 0 && receiver500s > 0 && timeouts > 0,
      `injected ${deliveryInjected}, 500s ${receiver500s}, timeouts ${timeouts}`,
    );

    // What the 500s were: the error names from the runtime's log (it logs names, never messages).
    const unhandled = tally(
      runtime
        .output()
        .split('\n')
        .filter((line) => line.includes('"unhandled error"'))
        .map((line) => `unhandledError:${/"errorName":"([^"]+)"/.exec(line)?.[1] ?? '?'}`),
    );
    const faulted = stats.requests.faulted.byStatus;
    const status = (s: number) => responses.filter(({ reply }) => reply.status === s).length;
    return checks.result('faults', {
      referrals: referralIds.length,
      events: eventIds.size,
      injected,
      sdkFaults: stats.sdkFaults.injected,
      ...Object.fromEntries(Object.entries(stats.sdkFaults.byKind).map(([k, v]) => [`sdk:${k}`, v])),
      ...Object.fromEntries(Object.entries(stats.sdkFaults.byScope).map(([k, v]) => [`sdkIn:${k}`, v])),
      publishFailures: stats.publisher.failedInvocations,
      deliveryInjected,
      receiver500s,
      webhookTimeouts: timeouts,
      apiRequests: responses.length,
      faultedRequests: stats.requests.faulted.total,
      ...Object.fromEntries(Object.entries(faulted).map(([k, v]) => [`faultedAnswered${k}`, v])),
      ...Object.fromEntries(
        Object.entries(stats.requests.faulted.failedByOperation).map(([k, v]) => [`faulted5xx:${k.replace(' ', ':')}`, v]),
      ),
      answered409: status(409),
      answered503: status(503),
      answered500: status(500),
      ...Object.fromEntries(unhandled),
      deadLettered: deadBefore.length,
      redriven,
      duplicateWebhookAcks: duplicates,
      digests: ackedDigests.size,
      quietHoursRequests: quietSink.requests.length,
      heldRedriven,
      remadeAttempts,
    });
  } finally {
    await runtime?.stop().catch(() => undefined);
    await Promise.all([sink.close(), quietSink.close(), digestSink.close()]);
  }
};
