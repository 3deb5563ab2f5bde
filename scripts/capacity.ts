/**
 * `npm run capacity`: what each operation costs in DynamoDB capacity units, measured, not
 * declared. Starts the local runtime in this process, asks DynamoDB Local for the consumed
 * capacity of every command (`ReturnConsumedCapacity: INDEXES`, table and each index) and
 * drives one referral's typical life through the HTTP API, one operation at a time:
 * the units a request consumed while it ran, then the units the event path (publisher,
 * fan-out, metrics) consumed for it after the runtime drained. Prints a table and writes
 * `bench/capacity.json` (git-ignored); the README's "Cost on paper" section is built on it.
 *
 *   npm run capacity                 # 20 referrals through the scripted life
 *   npm run capacity -- --referrals 5
 *
 * DynamoDB Local applies DynamoDB's rules (1 WCU per started KB written, 0.5 RCU per 4 KB
 * read eventually / 1 consistent, transactions ×2, an index write for every index whose
 * projected item changes, a key change being a delete and a put). Stream reads and the
 * local queues are not DynamoDB capacity.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DocumentClient } from '../shared/platform/dynamodb/document-client.ts';
import { startLocalRuntime, REPO_ROOT, type ClientOrigin } from '../infra/local/runtime.ts';

/** Where the figures are written, relative to the repository root. */
export const CAPACITY_REPORT = 'bench/capacity.json';

// DynamoDB operation names, as the client's interceptors see them (`GetItem`, `TransactWriteItems`).
const READS = /^(Get|Query|BatchGet|TransactGet)(Items?)?$/;
const CAPACITY_COMMANDS = /^(Get|Put|Update|Delete|Query|BatchGet|BatchWrite|TransactGet|TransactWrite)(Items?)?$/;

/** Units consumed, split into reads and writes, and per table/index. */
interface Units {
  read: number;
  write: number;
  calls: number;
  byIndex: Record<string, number>;
}

const emptyUnits = (): Units => ({ read: 0, write: 0, calls: 0, byIndex: {} });

type ConsumedCapacity = {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

const buckets = { api: emptyUnits(), events: emptyUnits() };

const record = (bucket: Units, command: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void => {
  bucket.calls += 1;
  for (const c of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
    const units = c.CapacityUnits ?? 0;
    if (READS.test(command)) bucket.read += units;
    else bucket.write += units;
    bucket.byIndex.table = (bucket.byIndex.table ?? 0) + (c.Table?.CapacityUnits ?? 0);
    for (const [index, { CapacityUnits = 0 }] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
      bucket.byIndex[index] = (bucket.byIndex[index] ?? 0) + CapacityUnits;
    }
  }
};

/** Records the capacity every command of `client` consumed, in the bucket of its origin (the runtime says which). */
const measureCapacity = (client: DocumentClient, bucket: ClientOrigin): void => {
  client.intercept('call', async (context, next) => {
    const command = context.operation;
    const input = context.input;
    if (CAPACITY_COMMANDS.test(command)) input.ReturnConsumedCapacity = 'INDEXES';
    const result = await next();
    record(buckets[bucket], command, result.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined);
    return result;
  });
};

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number ≥ 1.`);
  return value;
};

const PROVIDE = { sub: 'capacity-provide', org: 'provide', roles: ['practitioner'] };
const ECC = { sub: 'capacity-ecc', org: 'ecc', roles: ['practitioner'] };
const MEHT = { sub: 'capacity-meht', org: 'meht', roles: ['practitioner'] };
const PM = { sub: 'capacity-pm', org: 'ecc', roles: ['programme_manager'] };
type Caller = typeof PROVIDE;

/** A valid NHS number (Modulus 11) from a counter, so every referral is a different person. */
const nhsNumber = (n: number): string => {
  for (let k = n; ; k++) {
    const digits = String(100_000_000 + (k % 800_000_000))
      .split('')
      .map(Number);
    const check = 11 - (digits.reduce((sum, d, i) => sum + d * (10 - i), 0) % 11);
    if (check === 10) continue;
    return `${digits.join('')}${check === 11 ? 0 : check}`;
  }
};

/** Per operation: units of the request itself and of the event path it caused. */
interface OperationCost {
  runs: number;
  api: Units;
  events: Units;
}

const main = async (): Promise<void> => {
  const referrals = argument('referrals', 20);
  const runtime = await startLocalRuntime({
    port: 0,
    env: { JOINTLY_SLA_SWEEP_SECONDS: '3600' },
    instruments: { documentClient: measureCapacity },
  });
  const tokens = new Map<string, string>();
  const tokenOf = async (caller: Caller): Promise<string> => {
    if (!tokens.has(caller.sub)) {
      const reply = await fetch(`${runtime.url}/_local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(caller),
      });
      tokens.set(caller.sub, ((await reply.json()) as { token: string }).token);
    }
    return tokens.get(caller.sub)!;
  };
  const call = async (caller: Caller, method: string, route: string, body?: unknown): Promise<any> => {
    const reply = await fetch(`${runtime.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${await tokenOf(caller)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await reply.text();
    if (reply.status >= 300) throw new Error(`${method} ${route} → ${reply.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  const costs = new Map<string, OperationCost>();
  /** Runs one operation alone: the request's own units, then the event path's once drained. */
  const measure = async <T>(name: string, operation: () => Promise<T>): Promise<T> => {
    await runtime.drain();
    buckets.api = emptyUnits();
    buckets.events = emptyUnits();
    const result = await operation();
    const api = buckets.api;
    await runtime.drain();
    const events = buckets.events;
    const cost = costs.get(name) ?? { runs: 0, api: emptyUnits(), events: emptyUnits() };
    cost.runs += 1;
    for (const [into, from] of [
      [cost.api, api],
      [cost.events, events],
    ] as const) {
      into.read += from.read;
      into.write += from.write;
      into.calls += from.calls;
      for (const [index, units] of Object.entries(from.byIndex)) into.byIndex[index] = (into.byIndex[index] ?? 0) + units;
    }
    costs.set(name, cost);
    return result;
  };

  try {
    // The programme manager hears every event in their inbox: one alert per event.
    await call(PM, 'POST', '/subscriptions', { eventTypes: ['*'], channel: { type: 'inbox' } });
    for (let n = 0; n < referrals; n++) {
      const created = await measure('create referral', () =>
        call(PROVIDE, 'POST', '/referrals', {
          toOrg: 'ecc',
          serviceArea: 'rapid-response',
          priority: 'urgent',
          subject: { nhsNumber: nhsNumber(n * 7919 + 1), name: 'Capacity Person', dateOfBirth: '1941-03-14', postcode: 'CM1 1AA' },
          reason: 'Falls at home twice this week; needs a joint assessment.',
        }),
      );
      const id = created.id as string;
      await measure('get referral', () => call(ECC, 'GET', `/referrals/${id}`));
      await measure('list inbox (one status, page of ≤ 25)', () => call(ECC, 'GET', '/referrals?box=inbox&status=submitted&limit=25'));
      await measure('request info', () => call(ECC, 'POST', `/referrals/${id}/request-info`, { comment: 'Is anyone staying overnight?' }));
      await measure('provide info', () =>
        call(PROVIDE, 'POST', `/referrals/${id}/provide-info`, { comment: 'Her son stays until Friday.' }),
      );
      await measure('accept referral', () => call(ECC, 'POST', `/referrals/${id}/accept`, { comment: 'Visit today.' }));
      await measure('add note', () => call(ECC, 'POST', `/referrals/${id}/notes`, { text: 'Visited; care package arranged.' }));
      const offer = await measure('offer handoff', () =>
        call(ECC, 'POST', `/referrals/${id}/handoffs`, { toOrg: 'meht', reason: 'Acute frailty team' }),
      );
      await measure('accept handoff', () => call(MEHT, 'POST', `/handoffs/${offer.id}/accept`, { comment: 'Taking over.' }));
      await measure('history', () => call(MEHT, 'GET', `/referrals/${id}/history`));
      await measure('complete referral', () => call(MEHT, 'POST', `/referrals/${id}/complete`, { outcome: 'admission-avoided' }));
      await measure('list alerts (page of ≤ 25)', () => call(PM, 'GET', '/alerts?limit=25'));
    }
  } finally {
    await runtime.stop();
  }

  const rows = [...costs].map(([operation, c]) => ({
    operation,
    runs: c.runs,
    rcu: c.api.read / c.runs,
    wcu: c.api.write / c.runs,
    dynamoCalls: c.api.calls / c.runs,
    eventPathRcu: c.events.read / c.runs,
    eventPathWcu: c.events.write / c.runs,
    byIndex: Object.fromEntries(Object.entries(c.api.byIndex).map(([index, units]) => [index, units / c.runs])),
    eventPathByIndex: Object.fromEntries(Object.entries(c.events.byIndex).map(([index, units]) => [index, units / c.runs])),
  }));
  const perReferral = rows.reduce((sum, r) => ({ rcu: sum.rcu + r.rcu + r.eventPathRcu, wcu: sum.wcu + r.wcu + r.eventPathWcu }), {
    rcu: 0,
    wcu: 0,
  });
  const fixed = (x: number) => x.toFixed(1);
  const header = ['operation', 'RCU', 'WCU', 'calls', 'event path RCU', 'event path WCU'];
  const lines = [
    header,
    ...rows.map((r) => [r.operation, fixed(r.rcu), fixed(r.wcu), fixed(r.dynamoCalls), fixed(r.eventPathRcu), fixed(r.eventPathWcu)]),
  ];
  lines.push(['one referral’s scripted life', fixed(perReferral.rcu), fixed(perReferral.wcu), '', '', '']);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log(lines.map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n'));
  console.log(
    '\n(units per request; event path = publisher + fan-out with one programme-wide inbox subscription + metrics, drained after it)',
  );
  const report = { generatedAt: new Date().toISOString(), referrals, operations: rows, perReferral };
  mkdirSync(path.join(REPO_ROOT, path.dirname(CAPACITY_REPORT)), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, CAPACITY_REPORT), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Written to ${CAPACITY_REPORT}.`);
};

await main();
