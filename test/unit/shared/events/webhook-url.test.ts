import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postPinned } from '#shared/subscriptions/data/webhook-transport.ts';
import {
  assertDeliverableUrl,
  checkWebhookUrlSyntax,
  isPublicAddress,
  pinnedLookup,
  resolveCheckedAddress,
  WebhookAddressRefusedError,
  WebhookUrlRejectedError,
} from '#shared/subscriptions/domain/webhook-url.ts';

describe('isPublicAddress: only global unicast', () => {
  it.each([
    ['a public IPv4 address', '93.184.215.14'],
    ['a public resolver', '8.8.8.8'],
    ['the address just below 100.64/10', '100.63.255.255'],
    ['the address just above 100.64/10', '100.128.0.0'],
    ['the address just above 198.18/15', '198.20.0.0'],
    ['a public IPv6 address', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    ['a public IPv6 address in 2a00::/12', '2a00:1450:4009:81f::200e'],
    ['a public IPv6 address written in capitals', '2A00:1450:4009:81F::200E'],
    ['the address just above 2001::/23', '2001:200::1'],
    ['the address just below 192.0.2/24', '192.0.1.255'],
    ['a public IPv6 address with an IPv4-style tail outside the translated ranges', '2a00::8.8.8.8'],
  ])('allows %s (%s)', (_, address) => {
    // Prepare / Act
    const result = isPublicAddress(address);

    // Assess
    expect(result).toBe(true);
  });

  it.each([
    ['"this network"', '0.0.0.0'],
    ['"this network" host', '0.1.2.3'],
    ['private 10/8', '10.0.0.1'],
    ['shared address space 100.64/10', '100.64.0.1'],
    ['shared address space, top', '100.127.255.254'],
    ['loopback', '127.0.0.1'],
    ['loopback, elsewhere in 127/8', '127.8.9.10'],
    ['link-local (instance metadata)', '169.254.169.254'],
    ['private 172.16/12', '172.16.0.1'],
    ['private 172.16/12, top', '172.31.255.255'],
    ['IETF protocol assignments 192.0.0/24', '192.0.0.8'],
    ['documentation TEST-NET-1', '192.0.2.1'],
    ['6to4 relay anycast', '192.88.99.1'],
    ['private 192.168/16', '192.168.1.1'],
    ['benchmarking 198.18/15', '198.18.0.1'],
    ['benchmarking 198.18/15, top', '198.19.255.254'],
    ['documentation TEST-NET-2', '198.51.100.7'],
    ['documentation TEST-NET-3', '203.0.113.9'],
    ['multicast', '224.0.0.1'],
    ['multicast, top', '239.255.255.250'],
    ['reserved 240/4', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 unspecified', '::'],
    ['IPv6 loopback', '::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex form', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['IPv4-mapped public (refused all the same: no IPv4 hides in IPv6)', '::ffff:8.8.8.8'],
    ['IPv4-compatible', '::10.0.0.1'],
    ['IPv4-compatible public', '::8.8.8.8'],
    ['IPv4-translated', '::ffff:0:a00:1'],
    ['NAT64 well-known prefix', '64:ff9b::a9fe:a9fe'],
    ['NAT64 well-known prefix, public inside', '64:ff9b::808:808'],
    ['NAT64 local-use prefix', '64:ff9b:1::a00:1'],
    ['discard-only', '100::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['benchmarking', '2001:2::1'],
    ['ORCHIDv2', '2001:20::1'],
    ['documentation', '2001:db8::1'],
    ['documentation (RFC 9637)', '3fff::1'],
    ['6to4', '2002:a9fe:a9fe::1'],
    ['segment routing', '5f00::1'],
    ['unassigned, outside 2000::/3', '4000::1'],
    ['unique local', 'fd00::1'],
    ['unique local, fc00', 'fc00::1'],
    ['link-local', 'fe80::1'],
    ['site-local (deprecated)', 'fec0::1'],
    ['multicast', 'ff02::1'],
    ['AS112 (RFC 7535)', '192.31.196.1'],
    ['AS112 direct delegation (RFC 7534)', '192.175.48.6'],
    ['AMT relay anycast', '192.52.193.1'],
    ['IPv6 AS112 direct delegation', '2620:4f:8000::1'],
    ['IPv6 AMT', '2001:3::1'],
    ['a zone id', 'fe80::1%eth0'],
    ['a global address with a zone id (scoped, so not global)', '2a00:1450:4009:81f::200e%eth0'],
    ['an IPv6 address written in capitals, in a refused range', 'FE80::1'],
    ['not an IP at all', 'not-an-ip'],
    ['a shorthand IPv4 form (0x7f.1)', '0x7f.1'],
  ])('refuses %s (%s)', (_, address) => {
    // Prepare / Act
    const result = isPublicAddress(address);

    // Assess
    expect(result).toBe(false);
  });
});

describe('checkWebhookUrlSyntax', () => {
  it.each([
    ['https on the default port', 'https://hooks.example.org/jointly', 'public-https'],
    ['https with :443 spelt out', 'https://hooks.example.org:443/jointly', 'public-https'],
    ['http to 127.0.0.1 on any port, locally', 'http://127.0.0.1:39001/hook', 'allow-loopback'],
    ['http to localhost on any port, locally', 'http://localhost:8080/hook', 'allow-loopback'],
    ['http to [::1], locally', 'http://[::1]:8080/hook', 'allow-loopback'],
  ] as const)('accepts %s', (_, raw, policy) => {
    // Prepare / Act
    const url = checkWebhookUrlSyntax(raw, policy);

    // Assess
    expect(url.href).toBe(new URL(raw).href);
  });

  it.each([
    ['plain http', 'http://hooks.example.org/jointly', 'public-https', 'must use https://'],
    ['another port', 'https://hooks.example.org:8443/jointly', 'public-https', 'must use port 443'],
    ['another port, even locally for a non-loopback host', 'https://hooks.example.org:8443/jointly', 'allow-loopback', 'must use port 443'],
    ['credentials', 'https://user:pw@hooks.example.org/', 'public-https', 'must not carry credentials'],
    ['127.0.0.1 in deployed stages', 'https://127.0.0.1/hook', 'public-https', 'must not point at'],
    ['localhost in deployed stages', 'https://localhost/hook', 'public-https', 'must not point at'],
    ['the metadata endpoint', 'https://169.254.169.254/latest/meta-data/', 'public-https', 'must not point at'],
    ['the metadata endpoint, even locally', 'https://169.254.169.254/latest/meta-data/', 'allow-loopback', 'must not point at'],
    ['a decimal IPv4 form of loopback', 'https://2130706433/hook', 'public-https', 'must not point at'],
    ['an IPv4-mapped IPv6 literal', 'https://[::ffff:169.254.169.254]/', 'public-https', 'must not point at'],
    ['a NAT64 literal', 'https://[64:ff9b::a9fe:a9fe]/', 'public-https', 'must not point at'],
    ['not a URL', 'hooks.example.org/jointly', 'public-https', 'must be an absolute URL'],
    ['another scheme', 'ftp://hooks.example.org/', 'allow-loopback', 'must use https://'],
  ] as const)('rejects %s', (_, raw, policy, reason) => {
    // Prepare / Act
    const check = () => checkWebhookUrlSyntax(raw, policy);

    // Assess
    expect(check).toThrow(WebhookUrlRejectedError);
    expect(check).toThrow(reason);
  });
});

describe('assertDeliverableUrl', () => {
  it('accepts an https host resolving to public addresses only', async () => {
    // Prepare
    const resolve = async () => ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];

    // Act
    const url = await assertDeliverableUrl('https://hooks.example.org/jointly', 'public-https', resolve);

    // Assess
    expect(url.hostname).toBe('hooks.example.org');
  });

  it.each([
    ['an IPv4-mapped private address', ['::ffff:10.0.0.5']],
    ['one private address among public ones', ['93.184.215.14', '10.0.0.5']],
    ['a NAT64 address', ['64:ff9b::a9fe:a9fe']],
    ['a 6to4 address', ['2002:a9fe:a9fe::1']],
  ])('rejects a host resolving to %s', async (_, addresses) => {
    // Prepare
    const resolve = async () => addresses;

    // Act
    const checking = assertDeliverableUrl('https://hooks.example.org/jointly', 'public-https', resolve);

    // Assess
    await expect(checking).rejects.toBeInstanceOf(WebhookAddressRefusedError);
  });

  it('rejects a host that does not resolve', async () => {
    // Prepare
    const resolve = async () => Promise.reject(new Error('ENOTFOUND'));

    // Act
    const checking = assertDeliverableUrl('https://nowhere.example.org/', 'public-https', resolve);

    // Assess
    await expect(checking).rejects.toThrow('host does not resolve');
  });
});

describe('resolveCheckedAddress under the local policy', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['elsewhere in 127/8', '127.8.9.10'],
    ['::1', '::1'],
    ['::1 written out', '0:0:0:0:0:0:0:1'],
  ])('lets localhost through to loopback: %s', async (_, address) => {
    // Prepare
    const resolve = async () => [address];

    // Act
    const checked = await resolveCheckedAddress(new URL('http://localhost:8080/hook'), 'allow-loopback', resolve);

    // Assess
    expect(checked).toBe(address);
  });

  it.each([
    ['the IPv4-mapped form of 127.0.0.1 (mapped, not loopback)', '::ffff:127.0.0.1'],
    ['a private address', '10.0.0.1'],
    ['loopback with a zone id', '::1%lo'],
  ])('refuses localhost resolving to %s', async (_, address) => {
    // Prepare
    const resolve = async () => [address];

    // Act
    const checking = resolveCheckedAddress(new URL('http://localhost:8080/hook'), 'allow-loopback', resolve);

    // Assess
    await expect(checking).rejects.toBeInstanceOf(WebhookAddressRefusedError);
  });
});

describe('pinnedLookup', () => {
  it('resolves once and hands the socket the checked address, in both callback shapes', async () => {
    // Prepare
    let calls = 0;
    const resolve = async () => (calls++, ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    const lookup = pinnedLookup(new URL('https://hooks.example.org/'), 'public-https', resolve);

    // Act
    const single = await new Promise<unknown[]>((done) => lookup('hooks.example.org', {}, (...args: unknown[]) => done(args)));
    const all = await new Promise<unknown[]>((done) => lookup('hooks.example.org', { all: true }, (...args: unknown[]) => done(args)));

    // Assess
    expect(single).toEqual([null, '93.184.215.14', 4]);
    expect(all).toEqual([null, [{ address: '93.184.215.14', family: 4 }]]);
    expect(calls).toBe(2);
  });

  it('refuses when the name now resolves to a private address (DNS rebinding), and refuses other hosts', async () => {
    // Prepare: public when the subscription was checked, the metadata endpoint now
    const lookup = pinnedLookup(new URL('https://hooks.example.org/'), 'public-https', async () => ['169.254.169.254']);

    // Act
    const [rebound] = await new Promise<unknown[]>((done) => lookup('hooks.example.org', {}, (...args: unknown[]) => done(args)));
    const [other] = await new Promise<unknown[]>((done) => lookup('intranet.example.org', {}, (...args: unknown[]) => done(args)));

    // Assess
    expect(rebound).toBeInstanceOf(WebhookAddressRefusedError);
    expect(other).toBeInstanceOf(WebhookAddressRefusedError);
  });
});

describe('postPinned (Node http/https with the pinned lookup)', () => {
  let received: { host: string | undefined; headers: IncomingHttpHeaders }[] = [];
  let port = 0;
  const server = createServer((req, res) => {
    received.push({ host: req.headers.host, headers: req.headers });
    req.resume();
    req.on('end', () => (req.url === '/redirect' ? res.writeHead(302, { Location: '/elsewhere' }).end() : res.writeHead(204).end()));
  });

  beforeAll(async () => {
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  });

  const request = () => ({ headers: { 'Content-Type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(10_000) });

  it('connects to the address the resolver gave and checked, keeping the URL’s host name as Host', async () => {
    // Prepare
    received = [];
    let calls = 0;
    const resolve = async () => (calls++, ['127.0.0.1']);

    // Act
    const status = await postPinned(new URL(`http://localhost:${port}/hook`), request(), 'allow-loopback', resolve);

    // Assess
    expect(status).toBe(204);
    expect(received.map((r) => r.host)).toEqual([`localhost:${port}`]);
    expect(calls).toBe(1);
  });

  it('never opens a connection to a refused address, and the refusal is recognisable in the error', async () => {
    // Prepare: a public-looking name that resolves to the local receiver
    received = [];
    const resolve = async () => ['127.0.0.1'];

    // Act
    const posting = postPinned(new URL(`http://hooks.example.org:${port}/hook`), request(), 'public-https', resolve);

    // Assess
    const error = await posting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const causes: unknown[] = [];
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) causes.push(e);
    expect(causes.some((e) => e instanceof WebhookAddressRefusedError)).toBe(true);
    expect(received).toHaveLength(0);
  });

  it('returns a redirect as it is, without following it', async () => {
    // Prepare
    received = [];

    // Act
    const status = await postPinned(new URL(`http://127.0.0.1:${port}/redirect`), request(), 'allow-loopback', async () => ['127.0.0.1']);

    // Assess
    expect(status).toBe(302);
    expect(received).toHaveLength(1);
  });
});
