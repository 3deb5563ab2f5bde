/**
 * Webhook URL policy (DESIGN §4), checked when a subscription is made and again at every
 * delivery (DNS can change): deployed stages accept only `https://` URLs whose host
 * resolves only to public addresses; the local runtime also accepts `http://127.0.0.1`
 * and `localhost` so tests can run a receiver. Redirects are never followed (the caller
 * of `fetch` sets `redirect: 'manual'`).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type WebhookPolicy = 'public-https' | 'allow-loopback';

/** The URL may not be used: the message says why (no internals). */
export class WebhookUrlRejectedError extends Error {}

/** Private, loopback, link-local, CGNAT, multicast, reserved and documentation ranges. */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
// No `::ffff:0:0/96` rule: BlockList already checks IPv4-mapped IPv6 addresses against the
// IPv4 rules above (and IPv4 addresses against IPv6 rules as mapped), so that rule would
// mark every IPv4 address, public ones included, as non-public.
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv6');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether `address` (an IP literal) is publicly routable. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/** Resolves a host to all its addresses (an injectable seam for tests). */
export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Checks the URL's syntax under `policy` (no DNS): for validating a subscription body. */
export const checkWebhookUrlSyntax = (raw: string, policy: WebhookPolicy): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRejectedError('must be an absolute URL');
  }
  if (url.username || url.password) throw new WebhookUrlRejectedError('must not carry credentials');
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (policy === 'allow-loopback' && loopback && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  if (url.protocol !== 'https:') throw new WebhookUrlRejectedError('must use https://');
  if (isIP(url.hostname.replace(/^\[|\]$/g, '')) && !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    throw new WebhookUrlRejectedError('must not point at a private, loopback or link-local address');
  }
  if (loopback) throw new WebhookUrlRejectedError('must not point at a private, loopback or link-local address');
  return url;
};

/**
 * Full check before a delivery (and at subscription time): syntax, then every address the
 * host resolves to must be public (deployed policy). Returns the URL to call.
 */
export const assertDeliverableUrl = async (raw: string, policy: WebhookPolicy, resolve: Resolver = systemResolver): Promise<URL> => {
  const url = checkWebhookUrlSyntax(raw, policy);
  if (policy === 'allow-loopback' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => []);
  if (addresses.length === 0) throw new WebhookUrlRejectedError('host does not resolve');
  if (!addresses.every(isPublicAddress)) throw new WebhookUrlRejectedError('resolves to a private, loopback or link-local address');
  return url;
};
