/**
 * The HTTP leg of a webhook delivery (the `WebhookTransport` port): one POST through
 * Node's own `http`/`https` client whose `lookup` is {@link pinnedLookup}, so the socket
 * goes to the address that passed the policy (no DNS rebinding between check and connect),
 * SNI and `Host` stay the URL's hostname, and redirects are returned, never followed (the
 * core client never follows them). Node's client, not undici's `Agent`: the same pinning
 * without the 524 KB undici adds to the delivery worker's bundle.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookRequest } from '../domain/ports.ts';
import { pinnedLookup, type Resolver, type WebhookPolicy } from '../domain/webhook-url.ts';
import { systemResolver } from './system-resolver.ts';

/**
 * POSTs `request` to `url`, connecting only to a checked address. Resolves to the status
 * once the response head arrives; the receiver's body is never read (it is discarded,
 * releasing the socket). Rejects on a connection error or the request's signal (an
 * `AbortError`); a refused address surfaces as a `WebhookAddressRefusedError` in the
 * error's `cause` chain or as the error itself.
 */
export const postPinned = (url: URL, request: WebhookRequest, policy: WebhookPolicy, resolve: Resolver = systemResolver): Promise<number> =>
  new Promise<number>((settle, fail) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
        // No pooled connection outlives the check that let it open: every attempt resolves
        // and checks again (DNS can change), on a socket of its own.
        agent: false,
        lookup: pinnedLookup(url, policy, resolve),
        signal: request.signal,
      },
      (response: IncomingMessage) => {
        response.resume();
        response.on('error', () => undefined);
        settle(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(request.body);
  });
