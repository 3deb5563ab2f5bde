// Over 350 lines because the scenario is one run whose steps share its live state (runtime, load, kill point, acknowledgements); its checks read that state at the end.
/**
 * Crash: `npm start -- --persist` as a child process, subscriptions in place (inbox and a
 * webhook), concurrent creates, transitions, notes and handoffs — then `SIGKILL` mid-load,
 * a restart on the same data folder, the rest of the load, and invariants checked once the
 * restarted runtime has drained:
 *
 * - the killed runtime's DynamoDB Local JVM is stopped by its watchdog;
 * - nothing the API acknowledged before the kill is lost (ids, versions);
 * - every referral's history is gap-free (seq 1…n), the same through the API as in the
 *   table, and consistent with its `version` (n − notes − overdue marks);
 * - every committed event reaches every matching inbox subscription exactly once, and no
 *   alert exists without its event;
 * - every committed event is acknowledged by the webhook at least once, every request is
 *   signed and names its body's event id, and an event is acknowledged twice only when a
 *   delivery was cut off by the kill (first acknowledged before it; at most one per
 *   delivery worker slot);
 * - the kill did leave work in flight (events committed before it that reached
 *   subscribers only after the restart), so the checks above mean something.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { verifyWebhook } from '../../shared/subscriptions/domain/webhook-signature.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply, type Who } from '../../test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../../test/support/local-runtime-process.ts';
import {
  Checks,
  drainRuntime,
  dynamodbEndpointOf,
  headerValue,
  inPool,
  matchesEventType,
  runtimeStats,
  scanTable,
  sleep,
  startWebhookSink,
  tally,
  type ScenarioOptions,
  type ScenarioResult,
} from './common.ts';

const SIZES = {
  small: { workflows: 10, concurrency: 5, killAfterRequests: 30 },
  full: { workflows: 150, concurrency: 8, killAfterRequests: 450 },
} as const;

/** Invocations the local deliveries queue runs at once: at most this many webhook POSTs can be cut off by a kill. */
const DELIVERY_SLOTS = 10;
const SECRET = 'crash-webhook-secret-5b1e0c7d9a2f4e68';
/** The sink answers after this long, so deliveries are in flight when the runtime is killed. */
const SINK_DELAY_MS = 25;

const PROVIDE: Who = { sub: 'crash-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'crash-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: Who = { sub: 'crash-meht-discharge-nurse', org: 'meht', roles: ['practitioner'] };
const PM: Who = { sub: 'crash-programme-manager', org: 'ecc', roles: ['programme_manager'] };

/** Inbox subscriptions: who, which event types, and (for the practitioner) their own org by default. */
const INBOX_SUBSCRIPTIONS: readonly { owner: Who; eventTypes: string[] }[] = [
  { owner: PM, eventTypes: ['*'] },
  { owner: PM, eventTypes: ['handoff.*'] },
  // A practitioner hears about referrals their org is party to: ECC is party to every one here.
  { owner: ECC, eventTypes: ['referral.*'] },
];

/** What the client saw of one referral's life. */
interface Workflow {
  readonly index: number;
  /** Every fourth: accept and decline race; otherwise accept and a note race. */
  readonly race: boolean;
  id?: string;
  /** Highest version the API acknowledged (a 2xx carrying the referral). */
  ackedVersion: number;
  /** Notes the API acknowledged (201). */
  ackedNotes: number;
  state: 'waiting' | 'running' | 'interrupted' | 'done';
}

/** The runtime died under the request (connection refused/reset): the outcome is unknown. */
class RuntimeGoneError extends Error {}

/** Statuses each step may answer with; anything else is a finding. */
const EXPECTED: Readonly<Record<string, readonly number[]>> = {
  create: [201],
  accept: [200, 409],
  decline: [200, 409],
  note: [201],
  offer: [201, 409],
  'handoff-accept': [200, 409],
  complete: [200, 409],
  get: [200],
};

/** PIDs of DynamoDB Local JVMs listening on `port`. */
const dynamoProcessesOnPort = (port: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`))
    .map((line) => line.trim().split(/\s+/)[0] ?? '');

/** Runs the crash scenario; see the module comment. */
export const crashScenario = async (options: ScenarioOptions): Promise<ScenarioResult> => {
  const size = SIZES[options.size];
  const log = options.log ?? (() => undefined);
  const checks = new Checks();
  const dataDir = mkdtempSync(join(tmpdir(), 'jointly-crash-'));
  const env = {
    // Its own persisted DynamoDB Local: the crash must take the database's process down with it.
    DYNAMODB_ENDPOINT: undefined,
    JOINTLY_LOCAL_DATA_DIR: dataDir,
    JOINTLY_TABLE_NAME: `crash-${ulid().toLowerCase()}`,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  const sink = await startWebhookSink(() => ({ status: 200, delayMs: SINK_DELAY_MS }));
  let runtime: RuntimeProcess | undefined;
  const unexpected: string[] = [];

  try {
    runtime = await startRuntimeProcess(env);
    let api: HandoffApi = handoffApi(runtime.url);
    log(`crash: runtime up at ${runtime.url}, data in ${dataDir}`);

    // Subscriptions first: everything after them must reach them.
    const inboxIds: string[] = [];
    for (const { owner, eventTypes } of INBOX_SUBSCRIPTIONS) {
      const reply = await api.post(owner, '/subscriptions', { eventTypes, channel: { type: 'inbox' } });
      if (reply.status !== 201) throw new Error(`subscribe: ${reply.status} ${reply.text}`);
      inboxIds.push(reply.body.id);
    }
    const webhook = await api.post(PM, '/subscriptions', {
      eventTypes: ['*'],
      channel: { type: 'webhook', url: sink.url, secret: SECRET },
    });
    if (webhook.status !== 201) throw new Error(`subscribe webhook: ${webhook.status} ${webhook.text}`);

    // The load: each workflow drives one referral through its life, two requests racing at each step.
    const workflows: Workflow[] = Array.from({ length: size.workflows }, (_, index) => ({
      index,
      race: index % 4 === 3,
      ackedVersion: 0,
      ackedNotes: 0,
      state: 'waiting',
    }));
    let completedRequests = 0;
    let killed = false;
    let killAt = 0;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      killAt = Date.now();
      runtime!.child.kill('SIGKILL');
      log(`crash: SIGKILL after ${completedRequests} requests in ${Date.now() - loadStarted} ms`);
    };

    const call = async (what: string, request: () => Promise<Reply>): Promise<Reply> => {
      let reply: Reply;
      try {
        reply = await request();
      } catch (error) {
        if (killed) throw new RuntimeGoneError(what);
        throw error;
      }
      completedRequests += 1;
      if (!EXPECTED[what]?.includes(reply.status)) unexpected.push(`${what} → ${reply.status} ${reply.text.slice(0, 200)}`);
      return reply;
    };
    const acked = (wf: Workflow, reply: Reply) => {
      // Only a reply carrying the referral itself (a handoff's reply has its own version).
      if (reply.status >= 200 && reply.status < 300 && reply.body?.id === wf.id && typeof reply.body?.version === 'number') {
        wf.ackedVersion = Math.max(wf.ackedVersion, reply.body.version);
      }
    };

    /** One step of a workflow, chosen from the referral's state as read now; false when it is finished. */
    const step = async (wf: Workflow, client: HandoffApi, killAfter: number | undefined): Promise<boolean> => {
      if (killAfter !== undefined && completedRequests >= killAfter) kill();
      if (!wf.id) {
        const created = await call('create', () =>
          client.post(PROVIDE, '/referrals', {
            toOrg: 'ecc',
            serviceArea: wf.index % 2 === 0 ? 'crisis-prevention' : 'joint-referral',
            priority: 'routine',
            subject: { nhsNumber: validNhsNumber(), name: 'Crash Test Person' },
            reason: 'Load while the runtime is killed.',
          }),
        );
        if (created.status !== 201) return false;
        wf.id = created.body.id;
        acked(wf, created);
        return true;
      }
      const id = wf.id;
      const read = await call('get', () => client.get(PM, `/referrals/${id}`));
      if (read.status !== 200) return false;
      const referral = read.body;
      const note = (who: Who) =>
        call('note', () => client.post(who, `/referrals/${id}/notes`, { text: 'Spoke to the family; plan agreed.' })).then((r) => {
          if (r.status === 201) wf.ackedNotes += 1;
          return r;
        });
      const act = (what: string, who: Who, path: string, body: unknown) =>
        call(what, () => client.post(who, path, body)).then((r) => (acked(wf, r), r));
      if (referral.status === 'submitted') {
        const accept = act('accept', ECC, `/referrals/${id}/accept`, {});
        await Promise.all(
          wf.race
            ? [accept, act('decline', ECC, `/referrals/${id}/decline`, { reasonCode: 'no-capacity', comment: 'No capacity this week.' })]
            : [accept, note(PROVIDE)],
        );
        return true;
      }
      if (referral.status !== 'accepted') return false;
      if (referral.openHandoffId) {
        await Promise.all([act('handoff-accept', MEHT, `/handoffs/${referral.openHandoffId}/accept`, {}), note(ECC)]);
        return true;
      }
      if (referral.ownerOrg === 'ecc') {
        await act('offer', ECC, `/referrals/${id}/handoffs`, { toOrg: 'meht', reason: 'Hospital team better placed now.' });
        return true;
      }
      await act('complete', MEHT, `/referrals/${id}/complete`, { outcome: 'discharged-home' });
      return true;
    };

    const drive = async (wf: Workflow, client: HandoffApi, killAfter?: number): Promise<void> => {
      wf.state = 'running';
      try {
        for (let guard = 0; guard < 12; guard++) if (!(await step(wf, client, killAfter))) break;
        wf.state = 'done';
      } catch (error) {
        if (!(error instanceof RuntimeGoneError)) throw error;
        wf.state = 'interrupted';
      }
    };

    log('crash: subscribed; load starts');
    const loadStarted = Date.now();
    // Phase 1: load until the kill; workflows not yet started wait for the restart.
    await inPool(workflows, size.concurrency, async (wf) => {
      if (!killed) await drive(wf, api, size.killAfterRequests);
    });
    if (!killed) kill();
    const dynamoPort = /DynamoDB: http:\/\/127\.0\.0\.1:(\d+)/.exec(runtime.output())?.[1] ?? '';
    let jvmGone = false;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && !jvmGone; await sleep(200))
      jvmGone = dynamoProcessesOnPort(dynamoPort).length === 0;
    log(`crash: JVM ${jvmGone ? 'gone' : 'still there'} ${Date.now() - killAt} ms after the kill`);
    checks.check(
      "the killed runtime's DynamoDB Local JVM is stopped by its watchdog (within 15 s)",
      jvmGone,
      `JVM on port ${dynamoPort} still running`,
    );
    const ackedBeforeKill = new Map(
      workflows.filter((wf) => wf.id).map((wf) => [wf.id!, { version: wf.ackedVersion, notes: wf.ackedNotes }]),
    );
    const interrupted = workflows.filter((wf) => wf.state === 'interrupted').length;

    // Phase 2: restart on the same data, resume interrupted workflows (state read afresh), run the rest.
    const restartedAt = Date.now();
    const requestsBeforeKill = completedRequests;
    runtime = await startRuntimeProcess(env);
    api = handoffApi(runtime.url);
    log(`crash: restarted at ${runtime.url} after ${restartedAt - killAt} ms`);
    await inPool(
      workflows.filter((wf) => wf.state !== 'done' && (wf.state === 'waiting' || wf.id)),
      size.concurrency,
      (wf) => drive(wf, api),
    );
    log(`crash: load finished ${Date.now() - restartedAt} ms after the restart`);
    const drainStarted = Date.now();
    await drainRuntime(runtime.url);
    log(`crash: drained in ${Date.now() - drainStarted} ms`);

    // Checks, on the table itself and through the API.
    const items = await scanTable(dynamodbEndpointOf(runtime), env.JOINTLY_TABLE_NAME);
    const referrals = items.filter((i) => i.entity === 'referral');
    const events = items.filter((i) => i.entity === 'event');
    const eventsById = new Map(events.map((e) => [e.id as string, e]));
    const eventsByReferral = new Map<string, Record<string, any>[]>();
    for (const event of events) eventsByReferral.set(event.referralId, [...(eventsByReferral.get(event.referralId) ?? []), event]);

    checks.none('every API request answered as the contract says (no 5xx, no unexpected 4xx)', unexpected);
    checks.none(
      'nothing acknowledged before the kill is lost: every acknowledged referral exists at ≥ its acknowledged version, with ≥ its acknowledged notes',
      [...ackedBeforeKill].filter(([id, seen]) => {
        const referral = referrals.find((r) => r.id === id);
        const notes = (eventsByReferral.get(id) ?? []).filter((e) => e.type === 'note.added').length;
        return !referral || referral.version < seen.version || notes < seen.notes;
      }),
    );
    checks.none(
      'every referral has a gap-free history (seq 1…n) matching its seq and version (n − notes − overdue marks)',
      referrals.flatMap((referral) => {
        const history = (eventsByReferral.get(referral.id) ?? []).sort((a, b) => a.seq - b.seq);
        const seqs = history.map((e) => e.seq);
        const unversioned = history.filter((e) => e.type === 'note.added' || e.type.endsWith('.overdue')).length;
        const gapFree = seqs.every((seq, i) => seq === i + 1);
        const ok = gapFree && referral.seq === seqs.length && referral.version === seqs.length - unversioned;
        return ok ? [] : [{ id: referral.id, seqs, seq: referral.seq, version: referral.version }];
      }),
    );
    checks.none(
      'no event without its referral',
      events.filter((e) => !referrals.some((r) => r.id === e.referralId)).map((e) => e.id),
    );
    const apiMismatches = await inPool(referrals, 6, async (referral) => {
      const reply = await api.get(PM, `/referrals/${referral.id}/history?limit=100`);
      const fromApi =
        reply.status === 200
          ? (reply.body.items as { id: string; seq: number }[]).map((e) => `${e.seq}:${e.id}`)
          : [`status ${reply.status}`];
      const fromTable = (eventsByReferral.get(referral.id) ?? []).map((e) => `${e.seq}:${e.id}`);
      return fromApi.join() === fromTable.join() ? undefined : { id: referral.id, fromApi, fromTable };
    });
    checks.none('GET /referrals/{id}/history lists exactly the committed events, ascending seq', apiMismatches.filter(Boolean));

    // Inbox alerts: exactly one per (event × matching subscription); none without its event.
    const alerts = items.filter((i) => i.entity === 'alert');
    const alertCounts = tally(alerts.map((a) => `${a.eventId}.${a.subscriptionId}`));
    const missingAlerts: string[] = [];
    INBOX_SUBSCRIPTIONS.forEach(({ eventTypes }, i) => {
      for (const event of events) {
        if (eventTypes.some((p) => matchesEventType(p, event.type)) && alertCounts.get(`${event.id}.${inboxIds[i]}`) !== 1) {
          missingAlerts.push(
            `${event.type} ${event.id} → subscription ${i} (${alertCounts.get(`${event.id}.${inboxIds[i]}`) ?? 0} alerts)`,
          );
        }
      }
    });
    checks.none('every committed event reached every matching inbox subscription exactly once', missingAlerts);
    checks.none(
      'no alert without its event, and none for a subscription that does not hear it',
      alerts
        .filter((a) => {
          const event = eventsById.get(a.eventId);
          const at = inboxIds.indexOf(a.subscriptionId);
          return (
            !event ||
            event.type !== a.type ||
            event.referralId !== a.referralId ||
            at < 0 ||
            !INBOX_SUBSCRIPTIONS[at]!.eventTypes.some((p) => matchesEventType(p, event.type))
          );
        })
        .map((a) => a.id),
    );
    const pmAlerts = await api.allPages(PM, '/alerts?limit=100');
    const pmExpected = alerts.filter((a) => a.subscriptionId === inboxIds[0] || a.subscriptionId === inboxIds[1]).length;
    checks.check(
      'GET /alerts shows the programme manager exactly their alerts',
      pmAlerts.items.length === pmExpected,
      `${pmAlerts.items.length} listed, ${pmExpected} stored`,
    );

    // Webhook: every event acknowledged at least once; duplicates only from deliveries the kill cut off.
    const acknowledged = sink.requests.filter((r) => r.status >= 200 && r.status < 300 && !r.abandoned);
    const ackCounts = tally(acknowledged.map((r) => headerValue(r.headers, 'Jointly-Event-Id') ?? ''));
    checks.none(
      'every committed event was acknowledged by the webhook at least once',
      events.filter((e) => !ackCounts.has(e.id)).map((e) => `${e.type} ${e.id}`),
    );
    checks.none(
      'every webhook request is for a committed event, signed, and names its body’s event id',
      sink.requests
        .filter((r) => {
          const id = headerValue(r.headers, 'Jointly-Event-Id') ?? '';
          let bodyId: unknown;
          try {
            bodyId = JSON.parse(r.rawBody).id;
          } catch {
            bodyId = undefined;
          }
          return (
            !eventsById.has(id) ||
            bodyId !== id ||
            !verifyWebhook(SECRET, r.rawBody, headerValue(r.headers, 'Jointly-Signature'), Math.floor(r.receivedAt / 1000))
          );
        })
        .map((r) => r.index),
    );
    const duplicated = [...ackCounts].filter(([, n]) => n > 1).map(([id]) => id);
    const firstAck = (id: string) =>
      Math.min(...acknowledged.filter((r) => headerValue(r.headers, 'Jointly-Event-Id') === id).map((r) => r.receivedAt));
    checks.none(
      `an event is acknowledged twice only when the kill cut its delivery off (first acknowledged before the kill; ≤ ${DELIVERY_SLOTS}, the delivery worker slots)`,
      duplicated.length > DELIVERY_SLOTS ? duplicated : duplicated.filter((id) => firstAck(id) >= killAt),
    );
    const stats = await runtimeStats(runtime.url);
    checks.check(
      'the restarted runtime dead-lettered nothing',
      Object.values(stats.queues).every((q) => q.deadLetters === 0),
      JSON.stringify(stats.queues),
    );

    // The kill must have caught work in flight, or the checks above prove little.
    const committedBeforeKill = (id: string) => Date.parse(eventsById.get(id)?.at ?? '') < killAt;
    const alertsAfterRestart = alerts.filter((a) => Date.parse(a.createdAt) >= restartedAt && committedBeforeKill(a.eventId)).length;
    const webhooksAfterRestart = acknowledged.filter(
      (r) => r.receivedAt >= restartedAt && committedBeforeKill(headerValue(r.headers, 'Jointly-Event-Id') ?? ''),
    ).length;
    checks.check(
      'the kill left work in flight: events committed before it reached subscribers only after the restart',
      alertsAfterRestart + webhooksAfterRestart > 0,
      'no event committed before the kill was alerted or delivered after the restart',
    );

    log('crash: checked');
    return checks.result('crash', {
      referrals: referrals.length,
      events: events.length,
      alerts: alerts.length,
      webhookRequests: sink.requests.length,
      requestsBeforeKill,
      requests: completedRequests,
      workflowsInterrupted: interrupted,
      alertsRecoveredAfterRestart: alertsAfterRestart,
      webhooksRecoveredAfterRestart: webhooksAfterRestart,
      duplicateWebhookAcks: duplicated.length,
      eventsPublishedAfterRestart: stats.publisher.eventsPublished,
    });
  } finally {
    await runtime?.stop().catch(() => undefined);
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
