/**
 * Webhook URL policy (DESIGN §4), checked when a subscription is made and again at every
 * delivery (DNS can change). Deployed stages (`public-https`) accept only `https://` URLs on
 * port 443 whose host resolves only to global unicast addresses; the local runtime
 * (`allow-loopback`) also accepts `http://` or `https://` to `127.0.0.1`, `[::1]` or
 * `localhost` on any port, so tests can run a receiver.
 *
 * Checking a name and then letting the HTTP client resolve it again would leave a window
 * (DNS rebinding: public at the check, 169.254.169.254 at the connect). So deliveries
 * connect through {@link pinnedLookup}: one resolution, every address checked, and the
 * socket opened to the address that was checked. Redirects are never followed (the
 * caller sets `redirect: 'manual'` and treats a 3xx as a failure).
 */
import { BlockList, isIP, type LookupFunction } from 'node:net';

export type WebhookPolicy = 'public-https' | 'allow-loopback';

/** The URL may not be used: the message says why (no internals). */
export class WebhookUrlRejectedError extends Error {}

/** A host resolved (at delivery) to an address the policy refuses: thrown from the pinned lookup. */
export class WebhookAddressRefusedError extends WebhookUrlRejectedError {
  /** Lets the HTTP client's error wrapping be recognised by code as well as by class. */
  readonly code = 'EJOINTLY_ADDRESS_REFUSED';
}

/**
 * Every range a webhook may not be sent to, besides IPv6 outside 2000::/3: the IANA
 * special-purpose registries' entries that are not global unicast, and the IPv6 ranges that
 * embed or translate to an IPv4 address (so a private IPv4 could hide inside them: mapped,
 * compatible, NAT64, 6to4, Teredo). It is the whole list, not additions to a library's: it
 * holds every range ipaddr.js (used here before) did not class as `unicast`, AS112 and AMT
 * included, so no address it refused is allowed now.
 */
const REFUSED_RANGES: readonly string[] = [
  // IPv6 that carries an IPv4 address
  '::/96', // IPv4-compatible (deprecated), and :: and ::1 themselves
  '::ffff:0:0/96', // IPv4-mapped
  '::ffff:0:0:0/96', // IPv4-translated (RFC 6145)
  '64:ff9b::/96', // NAT64 well-known prefix
  '64:ff9b:1::/48', // NAT64 local-use prefix
  '2002::/16', // 6to4
  '2001::/32', // Teredo
  // IPv6 special purpose
  '100::/64', // discard-only
  '2001::/23', // IETF protocol assignments (benchmarking 2001:2::/48, AMT 2001:3::/32, AS112 2001:4:112::/48, ORCHID, …)
  '2001:db8::/32', // documentation
  '2620:4f:8000::/48', // AS112 direct delegation (RFC 7534)
  '3fff::/20', // documentation (RFC 9637)
  '5f00::/16', // segment routing SIDs
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
  // IPv4 special purpose
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // shared address space (carrier-grade NAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local (the instance metadata endpoint lives here)
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.31.196.0/24', // AS112 (RFC 7535)
  '192.52.193.0/24', // AMT relay anycast (RFC 7450)
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16', // private
  '192.175.48.0/24', // AS112 direct delegation (RFC 7534)
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address 255.255.255.255
];

/**
 * A `BlockList` of the ranges of one family. The families are kept in separate lists because
 * a list compares across them: an IPv4 rule also matches the IPv4-mapped IPv6 form of its
 * addresses, and an IPv6 rule such as ::ffff:0:0/96 matches every IPv4 address. With one
 * family per list, a rule matches only the addresses written in its own family.
 */
const blockListOf = (family: 4 | 6, cidrs: readonly string[]): BlockList => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', bits] = cidr.split('/');
    if (isIP(network) === family) list.addSubnet(network, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
};

/**
 * The lists, built on the first address check rather than at import: building them parses
 * every range with Node's IP grammar, whose first use costs a cold start ≈ 5 ms, and most
 * requests of the functions that import this module check no address.
 */
let lists:
  | {
      readonly refusedV4: BlockList;
      readonly refusedV6: BlockList;
      readonly globalUnicastV6: BlockList;
      readonly loopbackV4: BlockList;
      readonly loopbackV6: BlockList;
    }
  | undefined;
const blockLists = () =>
  (lists ??= {
    refusedV4: blockListOf(4, REFUSED_RANGES),
    refusedV6: blockListOf(6, REFUSED_RANGES),
    // IPv6 global unicast is 2000::/3: anything outside it is unassigned or special.
    globalUnicastV6: blockListOf(6, ['2000::/3']),
    // Loopback: 127/8, and ::1 alone (not ::ffff:127.0.0.1, which is refused as IPv4-mapped).
    loopbackV4: blockListOf(4, ['127.0.0.0/8']),
    loopbackV6: blockListOf(6, ['::1/128']),
  });

/** Hosts the local policy lets through to loopback. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The family of `address` if it is a plain IP literal (`isIP` is strict: no `0x7f.1`-style
 * forms), else 0. A zone id (`fe80::1%eth0`) counts as not an address: `isIP` accepts it but
 * a `BlockList` cannot parse it (it would match no rule), and a scoped address is never a
 * global one.
 */
const familyOf = (address: string): 0 | 4 | 6 => (address.includes('%') ? 0 : (isIP(address) as 0 | 4 | 6));

/**
 * Whether `address` (an IP literal) is a global unicast address a webhook may be sent to:
 * in none of {@link REFUSED_RANGES} and, for IPv6, within 2000::/3.
 */
export const isPublicAddress = (address: string): boolean => {
  switch (familyOf(address)) {
    case 4:
      return !blockLists().refusedV4.check(address, 'ipv4');
    case 6:
      return blockLists().globalUnicastV6.check(address, 'ipv6') && !blockLists().refusedV6.check(address, 'ipv6');
    default:
      return false;
  }
};

/** Whether `address` is a loopback address (127/8 or ::1). */
const isLoopbackAddress = (address: string): boolean => {
  switch (familyOf(address)) {
    case 4:
      return blockLists().loopbackV4.check(address, 'ipv4');
    case 6:
      return blockLists().loopbackV6.check(address, 'ipv6');
    default:
      return false;
  }
};

/** Resolves a host to all its addresses: the system's (subscriptions/data/system-resolver.ts) or a test's. */
export type Resolver = (host: string) => Promise<string[]>;

/** The bare host of a URL (IPv6 literals without brackets). */
const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

const isLoopbackHost = (url: URL): boolean => LOOPBACK_HOSTS.has(url.hostname);

/** Checks the URL's syntax under `policy` (no DNS): for validating a subscription body. */
export const checkWebhookUrlSyntax = (raw: string, policy: WebhookPolicy): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRejectedError('must be an absolute URL');
  }
  if (url.username || url.password) throw new WebhookUrlRejectedError('must not carry credentials');
  const loopback = isLoopbackHost(url);
  if (policy === 'allow-loopback' && loopback && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  if (url.protocol !== 'https:') throw new WebhookUrlRejectedError('must use https://');
  // The URL parser drops the default port, so an empty port is 443.
  if (url.port !== '') throw new WebhookUrlRejectedError('must use port 443');
  const host = bareHost(url);
  if (loopback || (isIP(host) !== 0 && !isPublicAddress(host))) {
    throw new WebhookUrlRejectedError('must not point at a private, loopback, link-local or reserved address');
  }
  return url;
};

/**
 * Resolves `url`'s host once and checks every address; returns the one to connect to (the
 * first, in the resolver's order). An IP literal is its own only address.
 */
export const resolveCheckedAddress = async (url: URL, policy: WebhookPolicy, resolve: Resolver): Promise<string> => {
  const host = bareHost(url);
  const addresses = isIP(host) !== 0 ? [host] : await resolve(host).catch(() => [] as string[]);
  if (addresses.length === 0) throw new WebhookUrlRejectedError('host does not resolve');
  const loopbackAllowed = policy === 'allow-loopback' && isLoopbackHost(url);
  const allowed = (address: string) => isPublicAddress(address) || (loopbackAllowed && isLoopbackAddress(address));
  // Every address, not just the first: a client may fall back to any of them.
  if (!addresses.every(allowed)) {
    throw new WebhookAddressRefusedError('resolves to a private, loopback, link-local or reserved address');
  }
  return addresses[0]!;
};

/**
 * Full check at subscription time: syntax, then every address the host resolves to must
 * be allowed. Returns the URL. (Deliveries also check this way, and then connect through
 * {@link pinnedLookup} so the address checked is the address used.)
 */
export const assertDeliverableUrl = async (raw: string, policy: WebhookPolicy, resolve: Resolver): Promise<URL> => {
  const url = checkWebhookUrlSyntax(raw, policy);
  // Local receivers need no DNS here; at delivery the pinned lookup still requires loopback.
  if (policy === 'allow-loopback' && isLoopbackHost(url)) return url;
  await resolveCheckedAddress(url, policy, resolve);
  return url;
};

/**
 * A `lookup` for `net.connect`/`tls.connect` (the `lookup` option of `http.request`) that
 * resolves `url`'s host once, refuses it unless every address passes the policy, and
 * hands back only the checked address: the socket cannot reach anything else. SNI and
 * the Host header still come from the URL's hostname (the client sets them from the URL).
 */
export const pinnedLookup = (url: URL, policy: WebhookPolicy, resolve: Resolver): LookupFunction =>
  ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    // The client only ever asks for the URL's own host; anything else is refused outright.
    if (hostname !== bareHost(url) && hostname !== url.hostname) {
      callback(new WebhookAddressRefusedError('unexpected host'));
      return;
    }
    resolveCheckedAddress(url, policy, resolve).then(
      (address) => {
        const family = isIP(address);
        if (options?.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: unknown) => callback(error),
    );
  }) as unknown as LookupFunction;
