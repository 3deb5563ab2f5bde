/**
 * Every Lambda function Jointly deploys, by construct id, with its handler module: the
 * API functions (one per `functionId` of the routes, one per feature slice; their entries
 * are in the route definitions), the event workers and the scheduled SLA sweep (their entries
 * are here, and only here). The stacks and the local runtime build their functions from
 * these entries and `npm run bundle-report` bundles exactly these.
 *
 * Pure data: no CDK imports.
 */
import { functionIdOf, type DefaultRoute, type RouteDefinition } from '../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../shared/wiring/routes.ts';

/** Where a function sits: behind the HTTP API, on the event path, or on a schedule. */
export type FunctionKind = 'api' | 'events' | 'scheduled';

/** One deployed function. */
export interface FunctionEntry {
  /** The function's id: a route's `functionId`/`operationId`, or the event function's name. */
  readonly id: string;
  readonly kind: FunctionKind;
  /** The handler module, relative to the repository root. */
  readonly entry: string;
}

/** The event-path and scheduled functions (built by the events stack). */
export const EVENT_FUNCTIONS = {
  /** Table stream → EventBridge bus (the outbox publisher). */
  publisher: { kind: 'events', entry: 'functions/events/publisher/handler.ts' },
  /** Consumes the `fanOut` queue: inbox alerts and delivery jobs. */
  fanOut: { kind: 'events', entry: 'functions/events/fan-out/handler.ts' },
  /** Consumes the `deliveries` queue: one webhook or e-mail delivery per message. */
  deliver: { kind: 'events', entry: 'functions/events/deliver/handler.ts' },
  /** Consumes the `metrics` queue: programme evaluation counters and EMF business metrics. */
  metrics: { kind: 'events', entry: 'functions/events/metrics/handler.ts' },
  /**
   * The table stream's second reader (decision 61): access-log entries and events → the Object Lock
   * audit archive (docs/audit-archive.md), and referral items TTL removed → disposal of everything
   * else they owned (docs/records-retention.md).
   */
  recordKeeper: { kind: 'events', entry: 'functions/events/record-keeper/handler.ts' },
  /** Raises `referral.overdue` / `handoff.overdue` every minute. */
  slaSweep: { kind: 'scheduled', entry: 'functions/scheduled/sla-sweep/handler.ts' },
  /** Writes the user pool's users and groups to the export bucket once a day. Built by the API stack, beside the pool. */
  exportUsers: { kind: 'scheduled', entry: 'functions/scheduled/export-users/handler.ts' },
} as const satisfies Record<string, Omit<FunctionEntry, 'id'>>;
export type EventFunctionName = keyof typeof EVENT_FUNCTIONS;

/**
 * The API functions of `routes` and the catch-all: one per function id (one per feature
 * slice, decision record 44; the catch-all shares the meta slice's).
 */
export const apiFunctionEntries = (
  routes: readonly RouteDefinition[] = ROUTES,
  defaultRoute: Pick<DefaultRoute, 'operationId' | 'functionId' | 'entry'> = DEFAULT_ROUTE,
): FunctionEntry[] => {
  const byId = new Map<string, FunctionEntry>();
  for (const route of [...routes, defaultRoute]) {
    const id = functionIdOf(route);
    const known = byId.get(id);
    if (known && known.entry !== route.entry) {
      throw new Error(`Routes sharing function ${id} must share one entry (${known.entry} vs ${route.entry}).`);
    }
    byId.set(id, { id, kind: 'api', entry: route.entry });
  }
  return [...byId.values()];
};

/** Every function of a stage, API functions first. */
export const FUNCTION_ENTRIES: readonly FunctionEntry[] = [
  ...apiFunctionEntries(),
  ...(Object.entries(EVENT_FUNCTIONS) as [EventFunctionName, (typeof EVENT_FUNCTIONS)[EventFunctionName]][]).map(([id, spec]) => ({
    id,
    ...spec,
  })),
];
