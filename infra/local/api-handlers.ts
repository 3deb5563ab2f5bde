/**
 * The API handlers the local gateway serves: every API function's entry named in the route
 * table (one per feature slice), imported once as a Lambda cold start would, and run as it
 * exports them — except the functions whose routes use event-path adapters (a sealer, the
 * delivery queue), which the runtime builds again from their entry's `createHandler` on its
 * own subscription wiring (shared/wiring/subscriptions.ts with the local sealer and queue).
 *
 * The other API handlers use no adapter but DynamoDB, through the client their composition
 * root made at import; the runtime adds its interceptor to those clients (the DynamoDB
 * client is open to that), so their commands are counted and fault-injected too.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { DocumentClient } from '../../shared/platform/dynamodb/document-client.ts';
import type { DeliveryJob, JobQueue, SecretSealer } from '../../shared/core/messaging-ports.ts';
import type { SubscriptionWiring } from '../../shared/wiring/subscriptions.ts';
import { functionIdOf } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';
import type { LambdaHandler } from './gateway.ts';

/** The repository root, where route entries are resolved from. */
const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Functions whose entry exports `createHandler(wiring: SubscriptionWiring)`: some of their
 * routes seal webhook secrets or queue deliveries, so they run on the runtime's subscription wiring.
 */
export const FUNCTIONS_ON_LOCAL_SUBSCRIPTIONS: ReadonlySet<string> = new Set(['subscriptionsApi']);

/** What the local builds use instead of the AWS adapters. */
export interface LocalApiAdapters {
  readonly sealer: SecretSealer;
  readonly deliveryQueue: JobQueue<DeliveryJob>;
  /** A DynamoDB client the runtime has instrumented. */
  readonly documentClient: () => DocumentClient;
}

type HandlerModule = { readonly handler?: LambdaHandler; readonly createHandler?: (wiring: SubscriptionWiring) => LambdaHandler };

/**
 * Imports every API function's entry (after the runtime set the environment they read at
 * import), one per function as Lambda would load it, and returns the handler serving each
 * operation id: the function's, which hands the event to the route's own handler.
 */
export const loadApiHandlers = async (adapters: LocalApiAdapters): Promise<Map<string, LambdaHandler>> => {
  // Made at first need, after the environment is set: the composition root reads it at import.
  let localWiring: SubscriptionWiring | undefined;
  const subscriptionWiring = async () =>
    (localWiring ??= (await import('../../shared/wiring/subscriptions.ts')).createSubscriptionWiring({
      documentClient: adapters.documentClient(),
      sealer: adapters.sealer,
      deliveryQueue: adapters.deliveryQueue,
    }));
  const byFunction = new Map<string, LambdaHandler>();
  const handlers = new Map<string, LambdaHandler>();
  for (const route of [...ROUTES, DEFAULT_ROUTE]) {
    const functionId = functionIdOf(route);
    let handler = byFunction.get(functionId);
    if (!handler) {
      const module = (await import(pathToFileURL(resolve(REPO_ROOT, route.entry)).href)) as HandlerModule;
      if (typeof module.handler !== 'function') throw new Error(`${route.entry} does not export a handler.`);
      const local = FUNCTIONS_ON_LOCAL_SUBSCRIPTIONS.has(functionId);
      if (local !== (typeof module.createHandler === 'function')) {
        throw new Error(
          local
            ? `${route.entry} does not export createHandler, but the local runtime builds ${functionId} on its own adapters.`
            : `${route.entry} exports createHandler: add ${functionId} to FUNCTIONS_ON_LOCAL_SUBSCRIPTIONS ` +
                '(infra/local/api-handlers.ts), or it runs on AWS adapters locally.',
        );
      }
      handler = local ? module.createHandler!(await subscriptionWiring()) : module.handler;
      byFunction.set(functionId, handler);
    }
    handlers.set(route.operationId, handler);
  }
  return handlers;
};

/**
 * The DynamoDB clients the API composition roots made at import: the handlers that run as
 * their modules export them use these. Import them after {@link loadApiHandlers}.
 */
export const apiCompositionClients = async (): Promise<DocumentClient[]> => [
  (await import('../../shared/wiring/referrals.ts')).referralDocumentClient,
  (await import('../../shared/wiring/subscriptions.ts')).subscriptionWiring.documentClient,
  (await import('../../shared/wiring/evaluation.ts')).evaluationDocumentClient,
];
