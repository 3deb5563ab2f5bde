/**
 * The HTTP leg of a webhook delivery (the `WebhookTransport` port): one POST through
 * an undici `Agent` whose `lookup` is {@link pinnedLookup}, so the socket goes to the
 * address that passed the policy (no DNS rebinding between check and connect), SNI and
 * `Host` stay the URL's hostname, and redirects are returned, never followed. The delivery
 * worker's composition root loads it on the first webhook, so a worker that only mails
 * never loads undici.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { WebhookRequest } from '../domain/ports.ts';
import { pinnedLookup, type Resolver, type WebhookPolicy } from '../domain/webhook-url.ts';
import { systemResolver } from './system-resolver.ts';

/**
 * POSTs `request` to `url`, connecting only to a checked address. Resolves to the status;
 * the receiver's body is never read (it is cancelled, releasing the connection). Rejects
 * as `fetch` does; a refused address surfaces as a `WebhookAddressRefusedError` in the
 * error's `cause` chain.
 */
export const postPinned = async (
  url: URL,
  request: WebhookRequest,
  policy: WebhookPolicy,
  resolve: Resolver = systemResolver,
): Promise<number> => {
  // One Agent per attempt: every attempt resolves and checks again (DNS can change), and
  // no pooled connection outlives the check that let it open.
  const agent = new Agent({ connect: { lookup: pinnedLookup(url, policy, resolve) }, pipelining: 0 });
  try {
    const response = await undiciFetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: request.signal,
      dispatcher: agent,
    });
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  } finally {
    // Not awaited past the attempt: a receiver slow to close must not hold the worker.
    void agent.destroy().catch(() => undefined);
  }
};
