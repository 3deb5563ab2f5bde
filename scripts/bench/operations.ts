/**
 * The latency section: each operation through the local gateway (HTTP, JWT, middleware,
 * handler) and its raw counterpart (the same DynamoDB calls issued directly), interleaved
 * iteration by iteration — gateway then raw, then raw then gateway — so drift and GC hit
 * both alike. Each timed request starts on a drained runtime: the event path that the
 * previous write set off (publisher, fan-out, metrics) runs in this process and on the same
 * DynamoDB Local, which a deployed function never shares with it, and it delayed the gateway
 * side (several event-loop turns per request) far more than the raw one (one turn). The
 * first few iterations of each operation also count the handler's DynamoDB commands; then a
 * warm-up; then the measured iterations.
 */
import { randomInt } from 'node:crypto';
import type { Caller } from '../../shared/core/identity.ts';
import type { NewReferral, Referral } from '../../shared/referrals/domain/referral.ts';
import type { CallCounter } from './call-counter.ts';
import type { HttpReply, JsonClient } from './http-client.ts';
import type { RawOperations } from './raw-operations.ts';
import { OPERATION_NAMES, type CallsSeen, type OperationName, type OperationResult } from './results.ts';
import { signedMs } from './report.ts';
import { mode, percentile, ratio, round, summarize } from './stats.ts';

/** Iterations per operation, before the warm-up, that count DynamoDB commands on a drained runtime. */
export const COUNT_RUNS = 3;

/** The referrer: a Provide community nurse. */
export const PROVIDE: Caller = { sub: 'bench-provide-nurse', org: 'provide', roles: ['practitioner'] };
/** The receiver: an ECC social worker, who reads, triages, accepts and hands off. */
export const ECC: Caller = { sub: 'bench-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
/** Who ECC hands off to: the acute trust. */
export const HANDOFF_TARGET = 'meht';
/** The handoff's reason (free text, as a practitioner writes it). */
export const HANDOFF_REASON = 'Acute frailty team to lead now; social care review finished.';

/** A valid NHS number (Modulus 11 check digit), different each call: every referral is a person. */
export const randomNhsNumber = (): string => {
  for (;;) {
    const first = Array.from({ length: 9 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10)));
    const check = 11 - (first.reduce((sum, digit, i) => sum + digit * (10 - i), 0) % 11);
    if (check === 10) continue;
    return `${first.join('')}${check === 11 ? 0 : check}`;
  }
};

/** A realistic `POST /referrals` body (as the README's walk-through sends). */
export const newReferralInput = (nhsNumber = randomNhsNumber()): NewReferral => ({
  toOrg: 'ecc',
  serviceArea: 'crisis-prevention',
  priority: 'urgent',
  subject: { nhsNumber, name: 'Bench Person', dateOfBirth: '1941-03-14', postcode: 'CM1 1AA' },
  reason: 'Falls at home twice this week; needs a joint assessment.',
});

/** What the section needs from the running system. */
export interface OperationsContext {
  readonly api: JsonClient;
  readonly raw: RawOperations;
  readonly counter: CallCounter;
  /** Resolves when the runtime's event path is idle (`LocalRuntime.drain`): awaited, untimed, before every timed request. */
  readonly drain: () => Promise<void>;
  /** The duration of the last API function invocation (the runtime's `invocation` instrument), taken and cleared. */
  readonly takeFunctionMs: () => number | undefined;
  readonly iterations: number;
  readonly warmup: number;
  /** Progress lines (to the terminal, not the results). */
  readonly progress: (line: string) => void;
}

/** One side of an iteration: prepared untimed, `run` timed, `check` untimed. */
interface Side {
  readonly run: () => Promise<unknown>;
  readonly check?: (outcome: unknown) => void;
}

interface OperationSpec {
  readonly name: OperationName;
  readonly gateway: (i: number) => Side;
  readonly raw: (i: number) => Side;
}

const expectStatus = (status: number, what: string) => (outcome: unknown) => {
  const reply = outcome as HttpReply;
  if (reply.status !== status) throw new Error(`${what} → ${reply.status} (expected ${status}): ${reply.text.slice(0, 300)}`);
};

/** Runs the section; returns each operation's figures and the commands behind them. */
export const measureOperations = async (
  context: OperationsContext,
): Promise<{ operations: Record<OperationName, OperationResult>; calls: Record<OperationName, CallsSeen> }> => {
  const { api, raw, counter } = context;
  const total = COUNT_RUNS + context.warmup + context.iterations;
  const [provideToken, eccToken] = await Promise.all([api.tokenFor(PROVIDE), api.tokenFor(ECC)]);

  // Each operation leaves the referrals the next one works on: created → accepted → handed off.
  const gatewayCreated: string[] = [];
  const rawCreated: Referral[] = [];
  const gatewayAccepted: string[] = [];
  const rawAccepted: Referral[] = [];

  const specs: OperationSpec[] = [
    {
      name: 'createReferral',
      gateway: () => {
        const body = JSON.stringify(newReferralInput());
        return {
          run: () => api.send('POST', '/referrals', provideToken, body),
          check: (outcome) => {
            expectStatus(201, 'POST /referrals')(outcome);
            gatewayCreated.push(JSON.parse((outcome as HttpReply).text).id);
          },
        };
      },
      raw: () => {
        const prepared = raw.prepareCreate(PROVIDE, newReferralInput());
        return { run: prepared.run, check: () => rawCreated.push(prepared.next) };
      },
    },
    {
      name: 'getReferral',
      // Both sides read the same referral, so they read exactly the same items.
      gateway: (i) => {
        const id = gatewayCreated[i % gatewayCreated.length]!;
        return { run: () => api.send('GET', `/referrals/${id}`, eccToken), check: expectStatus(200, 'GET /referrals/{id}') };
      },
      raw: (i) => raw.prepareGet(gatewayCreated[i % gatewayCreated.length]!, ECC),
    },
    {
      name: 'listInbox',
      gateway: () => ({
        run: () => api.send('GET', '/referrals?box=inbox&status=submitted', eccToken),
        check: expectStatus(200, 'GET /referrals?box=inbox&status=submitted'),
      }),
      raw: () => raw.prepareListInbox(ECC, 'submitted'),
    },
    {
      name: 'acceptReferral',
      gateway: (i) => {
        const id = gatewayCreated[i]!;
        return {
          run: () => api.send('POST', `/referrals/${id}/accept`, eccToken, '{}'),
          check: (outcome) => {
            expectStatus(200, 'POST /referrals/{id}/accept')(outcome);
            gatewayAccepted.push(id);
          },
        };
      },
      raw: (i) => {
        const prepared = raw.prepareAccept(rawCreated[i]!, ECC);
        return { run: prepared.run, check: () => rawAccepted.push(prepared.next) };
      },
    },
    {
      name: 'offerHandoff',
      gateway: (i) => {
        const body = JSON.stringify({ toOrg: HANDOFF_TARGET, reason: HANDOFF_REASON });
        const id = gatewayAccepted[i]!;
        return {
          run: () => api.send('POST', `/referrals/${id}/handoffs`, eccToken, body),
          check: expectStatus(201, 'POST /referrals/{id}/handoffs'),
        };
      },
      raw: (i) => raw.prepareOffer(rawAccepted[i]!, ECC, HANDOFF_TARGET, HANDOFF_REASON),
    },
  ];

  const operations = {} as Record<OperationName, OperationResult>;
  const calls = {} as Record<OperationName, CallsSeen>;
  for (const spec of specs) {
    const gatewayMs: number[] = [];
    const functionMs: number[] = [];
    const rawMs: number[] = [];
    const counted: CallsSeen[] = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const counting = i < COUNT_RUNS;
      const gateway = spec.gateway(i);
      const rawSide = spec.raw(i);
      if (counting) counter.reset();
      const timed = async (side: Side, into: number[] | undefined, functionInto?: number[]) => {
        // Untimed: the events of the previous write are published and fanned out first, so
        // neither side is measured against the local event path (it adds only event-path commands).
        await context.drain();
        context.takeFunctionMs();
        const t0 = performance.now();
        const outcome = await side.run();
        const elapsed = performance.now() - t0;
        const invoked = context.takeFunctionMs();
        side.check?.(outcome);
        into?.push(elapsed);
        if (functionInto && invoked !== undefined) functionInto.push(invoked);
      };
      const measured = i >= COUNT_RUNS + context.warmup;
      // Alternate the order, so neither side always runs right after the other.
      if (i % 2 === 0) {
        await timed(gateway, measured ? gatewayMs : undefined, measured ? functionMs : undefined);
        await timed(rawSide, measured ? rawMs : undefined);
      } else {
        await timed(rawSide, measured ? rawMs : undefined);
        await timed(gateway, measured ? gatewayMs : undefined, measured ? functionMs : undefined);
      }
      if (counting) {
        counted.push({ gateway: counter.commands('api'), raw: counter.commands('bench') });
      }
    }
    const gw = summarize(gatewayMs);
    const rw = summarize(rawMs);
    const dynamoCalls = mode(counted.map((c) => c.gateway.length));
    operations[spec.name] = {
      p50Ms: gw.p50Ms,
      p99Ms: gw.p99Ms,
      rawP50Ms: rw.p50Ms,
      rawP99Ms: rw.p99Ms,
      // From the unrounded percentiles: rounding first would move a ratio of small numbers.
      ratioP50: ratio(percentile(gatewayMs, 50), percentile(rawMs, 50)),
      ratioP99: ratio(percentile(gatewayMs, 99), percentile(rawMs, 99)),
      overheadMs: round(percentile(gatewayMs, 50) - percentile(rawMs, 50)),
      functionP50Ms: round(percentile(functionMs, 50)),
      functionRatioP50: ratio(percentile(functionMs, 50), percentile(rawMs, 50)),
      functionOverheadMs: round(percentile(functionMs, 50) - percentile(rawMs, 50)),
      dynamoCalls,
    };
    calls[spec.name] = counted.find((c) => c.gateway.length === dynamoCalls)!;
    context.progress(
      `  ${spec.name}: p50 ${gw.p50Ms} vs raw ${rw.p50Ms} ms (×${operations[spec.name].ratioP50}, ${signedMs(operations[spec.name].overheadMs)} ms), p99 ${gw.p99Ms} vs ${rw.p99Ms} ms ` +
        `(×${operations[spec.name].ratioP99}); the function alone ${operations[spec.name].functionP50Ms} ms (×${operations[spec.name].functionRatioP50}); ` +
        `${dynamoCalls} calls; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  // Every operation is in the table, in the order.
  return { operations: Object.fromEntries(OPERATION_NAMES.map((n) => [n, operations[n]])) as typeof operations, calls };
};
