/**
 * `Idempotency-Key` on creating POSTs, with Powertools idempotency on the single table.
 * Its defaults are adjusted to the contract (DESIGN §4):
 * - applied only when the header is present (the key expression is null otherwise), and
 *   Powertools is loaded only then (idempotency-store.ts, by `import()` on the first keyed
 *   request: most requests send no key, and a cold start should not pay for it);
 * - keyed on the caller's `sub` + the route (method and path template, `routeKey`) + the
 *   concrete path parameters + the header: another caller's same key, or the same key on
 *   another referral's notes, is a new request (a key names one request to one resource);
 * - records live 24 h (TTL attribute `expiresAt`), and hold a hash of the body, so the same
 *   key with another body is rejected (422) and the same request still in flight is 409;
 * - each record gets its own partition `IDEMPOTENCY#<hash>` instead of Powertools'
 *   single static partition, so idempotency never becomes a hot key.
 */
import { createHash, createHmac } from 'node:crypto';
import { onFirstUse } from '../aws/on-first-use.ts';
import type { DocumentClient } from '../dynamodb/document-client.ts';
import { createDocumentClient } from '../dynamodb/dynamo-client.ts';
import { loadRuntimeConfig, requireTableName } from '../config/runtime-config.ts';
import { IDEMPOTENCY_HEADER } from './idempotency-header.ts';
import type { IdempotencyMiddleware } from './idempotency-store.ts';

/** The event property holding what the payload hash covers (set just before Powertools reads it). */
const HASHED_PAYLOAD = 'jointlyIdempotencyPayload';

/**
 * What the payload hash covers: the parsed body, with a webhook `channel.secret` replaced
 * by an HMAC of it. Powertools stores an unkeyed (MD5) hash of this, so hashing the secret
 * itself would let anyone holding a table export test guesses of a weak secret offline.
 * The HMAC is keyed by the caller's `sub` and raw `Idempotency-Key`, which are never
 * stored (the record's key is itself a hash of them): the digest is useless without the
 * request, yet the same key with a *different* secret still changes the hash, so it is
 * still refused (422) instead of replaying a subscription made with another secret.
 */
export const payloadForHash = (body: unknown, sub: string, idempotencyKey: string): unknown => {
  const channel = (body as { channel?: { secret?: unknown } } | null)?.channel;
  if (!channel || typeof channel.secret !== 'string') return body;
  const key = createHash('sha256').update(`jointly-idempotency-secret\0${sub}\0${idempotencyKey}`).digest();
  const digest = createHmac('sha256', key).update(channel.secret).digest('hex');
  return { ...(body as object), channel: { ...channel, secret: `hmac-sha256:${digest}` } };
};

/**
 * What a stored idempotency record is keyed on (a JMESPath over the payload 2.0 event):
 * caller, route (`POST /referrals/{id}/notes`), that route's concrete path parameters
 * (the referral id) and the header; null (not idempotent) without the header.
 */
export const IDEMPOTENCY_KEY_EXPRESSION = `headers."${IDEMPOTENCY_HEADER}" && [requestContext.authorizer.jwt.claims.sub, routeKey, pathParameters, headers."${IDEMPOTENCY_HEADER}"]`;

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Options of {@link idempotencyMiddleware}. */
export interface IdempotencyOptions {
  readonly tableName: string;
  readonly endpoint?: string | undefined;
  /** The client its records are written with; one of its own otherwise. */
  readonly client?: DocumentClient;
}

/** The DynamoDB client for idempotency records: against `endpoint` with local credentials, or the function's region. */
export const idempotencyClient = (endpoint?: string): DocumentClient => createDocumentClient({ endpoint });

/** The middy middleware making a creating POST idempotent per caller and key. */
export const idempotencyMiddleware = (options: IdempotencyOptions): IdempotencyMiddleware => {
  const client = options.client ?? idempotencyClient(options.endpoint);
  // Loaded once per process; a failed load is retried by the next keyed request, not cached.
  const powertools = onFirstUse(async () =>
    (await import('./idempotency-store.ts')).powertoolsIdempotency({
      tableName: options.tableName,
      client,
      // Path parameters as decoded by the gateway, not rawPath: one resource has one key
      // whatever percent-encoding the client chose.
      eventKeyJmesPath: IDEMPOTENCY_KEY_EXPRESSION,
      payloadValidationJmesPath: HASHED_PAYLOAD,
      expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    }),
  );
  return onlyWithKey({
    before: async (request) => (await powertools()).before?.(request),
    after: async (request) => (await powertools()).after?.(request),
    onError: async (request) => (await powertools()).onError?.(request),
  });
};

/**
 * Without an `Idempotency-Key` the request is not idempotent, and Powertools would work that
 * out on every request by reconfiguring its store, building a handler and evaluating the
 * key's JMESPath on the event (≈ 0.15 ms of CPU a request). The same condition — the header
 * absent or empty — is checked here first, and then nothing else runs.
 */
const onlyWithKey = (inner: IdempotencyMiddleware): IdempotencyMiddleware => {
  const keyed = new WeakSet<object>();
  return {
    before: async (request) => {
      const event = request.event as { headers?: Record<string, string | undefined>; body?: unknown; requestContext?: unknown } | undefined;
      const key = event?.headers?.[IDEMPOTENCY_HEADER];
      if (!key) return undefined;
      keyed.add(request);
      const sub = (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: unknown } } } } | undefined)?.authorizer?.jwt?.claims
        ?.sub;
      (event as Record<string, unknown>)[HASHED_PAYLOAD] = payloadForHash(event.body, String(sub ?? ''), key);
      return inner.before?.(request);
    },
    after: async (request) => {
      if (keyed.has(request)) await inner.after?.(request);
    },
    onError: async (request) => {
      if (keyed.has(request)) await inner.onError?.(request);
    },
  };
};

/** The idempotency middleware for this function, configured from its runtime config. */
export const idempotencyFromConfig = (client?: DocumentClient) => {
  const config = loadRuntimeConfig();
  return idempotencyMiddleware({ tableName: requireTableName(config), endpoint: config.dynamodbEndpoint, ...(client ? { client } : {}) });
};
