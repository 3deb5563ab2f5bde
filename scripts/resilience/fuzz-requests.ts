/**
 * The fuzz scenario's request generators (fast-check arbitraries, so a seed replays a run):
 * paths with known, fresh and junk ids, query strings, header text, and bodies of every
 * shape — valid per route, mutated, wrong types, huge, unicode, invalid UTF-8, deeply
 * nested, prototype-pollution keys.
 */
import fc from 'fast-check';
import type { RouteDefinition } from '../../shared/platform/http/route-definition.ts';

/** Marks values sent under prototype-pollution keys: a 2xx body must never carry it. */
export const POLLUTION_MARK = 'jointlyPolluted';

/** Percent-encodes, lone surrogates included (as U+FFFD, which is what a client would send). */
const encode = (s: string): string => encodeURIComponent(s.toWellFormed());

/** A ULID-shaped id, drawn by fast-check (so a seed replays it). */
export const ulidArb = fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);

/** A valid NHS number (Modulus 11), drawn by fast-check. */
const nhsNumberArb = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
  .map((digits) => {
    const check = 11 - (digits.reduce((sum, d, i) => sum + d * (10 - i), 0) % 11);
    return check === 10 ? undefined : `${digits.join('')}${check === 11 ? 0 : check}`;
  })
  .filter((n): n is string => n !== undefined && !/^0+$/.test(n));

/** Known ids of each kind (filled by the seed) that paths may name. */
export interface Known {
  referrals: string[];
  handoffs: string[];
  subscriptions: string[];
  alerts: string[];
}

const ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'];

/** Strings that have broken parsers before. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '🙂',
  '𝔵',
  'é',
  'ü\u0308',
  '\uD800',
  '<script>alert(1)</script>',
  "'; DROP TABLE referrals; --",
  '../../etc/passwd',
  '%00',
  '%ZZ',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  'true',
];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom(4_001, 20_000, 70_000).chain((n) => fc.constantFrom('x', 'é', '🙂').map((u) => u.repeat(n))) },
);

/** Latin-1 text a header may carry (fetch refuses to send anything else, and DEL). */
export const headerText = fc.oneof(
  fc.constantFrom('', ' ', 'null', '"1"', 'W/"1"', '*', '"999999"', '1', '"-1"', '"abc"', 'é', 'x'.repeat(300), '\u00ff\u00fe'),
  fc
    .string({ maxLength: 60, unit: fc.integer({ min: 0x20, max: 0xfe }).map((c) => String.fromCharCode(c === 0x7f ? 0xff : c)) })
    .map((s) => s.trim()),
);

/** A valid body for a route (so some requests reach deep), by path. */
const validBodyFor = (path: string): fc.Arbitrary<unknown> => {
  const org = fc.constantFrom(...ORGS);
  const comment = fc.constantFrom('Please call the family first.', 'é🙂 unicode comment', 'x'.repeat(500));
  if (path === '/referrals') {
    return fc.record({
      toOrg: org,
      serviceArea: fc.constantFrom('rapid-response', 'crisis-prevention', 'joint-referral'),
      priority: fc.constantFrom('urgent', 'soon', 'routine'),
      subject: fc.record({ nhsNumber: nhsNumberArb, name: fc.constantFrom('Fuzz Person', 'Zoë O’Brien-Smith 🙂') }),
      reason: fc.constantFrom('Falls at home.', 'Confused at night; carer worried.'),
    });
  }
  if (path === '/fhir/R4/{operation}') {
    // A servicerequest-request message: new (a referral from the caller's org) or update (a revocation).
    const serviceRequest = fc.record({
      resourceType: fc.constant('ServiceRequest'),
      status: fc.constantFrom('active', 'revoked', 'draft'),
      intent: fc.constant('order'),
      category: fc.constant([{ coding: [{ system: 'https://jointly.dev/fhir/CodeSystem/service-area', code: 'rapid-response' }] }]),
      priority: fc.constantFrom('routine', 'urgent', 'asap', 'stat', 'soon'),
      subject: fc.constant({ reference: '#p' }),
      contained: nhsNumberArb.map((value) => [
        { resourceType: 'Patient', id: 'p', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value }] },
      ]),
      performer: org.map((id) => [{ reference: `Organization/${id}` }]),
      reasonCode: fc.constant([{ text: 'Falls at home.' }]),
    });
    return fc.tuple(serviceRequest, fc.constantFrom('new', 'update', 'other'), ulidArb).map(([request, reason, id]) => ({
      resourceType: 'Bundle',
      type: 'message',
      entry: [
        {
          resource: {
            resourceType: 'MessageHeader',
            id,
            eventCoding: { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' },
            reason: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code: reason }] },
            source: { endpoint: 'https://fuzz.example/fhir' },
            focus: [{ reference: 'urn:uuid:sr' }],
          },
        },
        { fullUrl: 'urn:uuid:sr', resource: request },
      ],
    }));
  }
  if (path === '/referrals/search')
    return fc.oneof(fc.record({ nhsNumber: fc.constant('9434765919') }), fc.record({ localId: fc.constantFrom('ECC-1', 'x') }));
  if (path.endsWith('/notes')) return fc.record({ text: comment });
  if (path.endsWith('/handoffs')) return fc.record({ toOrg: org, reason: fc.constantFrom('Better placed.', 'Moving area.') });
  if (path === '/subscriptions') {
    return fc.record({
      eventTypes: fc.constantFrom(['*'], ['referral.*'], ['handoff.offered', 'note.added']),
      channel: fc.oneof(
        fc.constant({ type: 'inbox' }),
        // Webhooks only to addresses the policy refuses: a valid one would send deliveries nowhere for minutes.
        fc
          .constantFrom('http://169.254.169.254/latest', 'ftp://127.0.0.1/x', 'not a url')
          .map((url) => ({ type: 'webhook', url, secret: 'a-long-enough-shared-secret' })),
      ),
    });
  }
  const action = path.split('/').at(-1) ?? '';
  if (path.startsWith('/referrals/')) {
    switch (action) {
      case 'decline':
        return fc.record({ reasonCode: fc.constantFrom('no-capacity', 'duplicate'), comment });
      case 'redirect':
        return fc.record({ toOrg: org, comment });
      case 'request-info':
      case 'provide-info':
        return fc.record({ comment });
      case 'amend':
        return fc.record({ priority: fc.constantFrom('urgent', 'routine') });
      case 'cancel':
        return fc.record({ reasonCode: fc.constantFrom('no-longer-required', 'entered-in-error') });
      case 'complete':
        return fc.record({ outcome: fc.constantFrom('discharged-home', 'no-further-action') });
      default:
        return fc.constant({});
    }
  }
  if (path.startsWith('/handoffs/') && action === 'decline') return fc.record({ reasonCode: fc.constantFrom('no-capacity', 'other') });
  return fc.constant({});
};

/** A body as sent: text (JSON or not) or bytes. */
export const bodyFor = (path: string): fc.Arbitrary<{ kind: string; body: string | Uint8Array | undefined }> => {
  const valid = validBodyFor(path);
  const mutated = fc
    .tuple(
      valid,
      fc.oneof(
        fc.constantFrom(
          'toOrg',
          'subject',
          'reason',
          'text',
          'comment',
          'channel',
          'eventTypes',
          'outcome',
          'reasonCode',
          'priority',
          'nhsNumber',
        ),
        fc.string({ maxLength: 10 }),
      ),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), nastyString, fc.constantFrom(null, true, 0, -1, 1.5, [], {})),
      fc.boolean(),
    )
    .map(([body, key, value, drop]) => {
      const copy = { ...(body as Record<string, unknown>) };
      if (drop) delete copy[key];
      else copy[key] = value;
      return copy;
    });
  // Raw JSON text, so the keys really are `__proto__` & co (an object literal would set the prototype instead).
  const polluted = fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean()).map(([body, key, nested]) => {
    const poison =
      key === 'constructor'
        ? `{"prototype":{"${POLLUTION_MARK}":true,"status":"completed"}}`
        : `{"${POLLUTION_MARK}":true,"isAdmin":true,"roles":["programme_manager"],"ownerOrg":"ecc"}`;
    const text = JSON.stringify(body);
    if (nested && text.startsWith('{"subject":{') === false && text.includes('"subject":{'))
      return text.replace('"subject":{', `"subject":{"${key}":${poison},`);
    return text === '{}' ? `{"${key}":${poison}}` : `{"${key}":${poison},${text.slice(1)}`;
  });
  const text = (kind: string, a: fc.Arbitrary<string>) => a.map((body) => ({ kind, body: body as string | Uint8Array | undefined }));
  return fc.oneof(
    {
      weight: 5,
      arbitrary: text(
        'valid',
        valid.map((b) => JSON.stringify(b)),
      ),
    },
    {
      weight: 6,
      arbitrary: text(
        'mutated',
        mutated.map((b) => JSON.stringify(b)),
      ),
    },
    { weight: 3, arbitrary: text('prototype keys', polluted) },
    {
      weight: 2,
      arbitrary: text(
        'any JSON',
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
      ),
    },
    {
      weight: 2,
      arbitrary: text(
        'not JSON',
        fc.oneof(
          nastyString,
          fc.constantFrom('{', '{"a":', "{'a':1}", '{"a":1}{"b":2}', '[1,]', '{"a":01}', '\uFEFF{}', '{"a":"\\x"}', '{"__proto__":}'),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: text(
        'deep nesting',
        fc.constantFrom(100, 3_000, 50_000).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      ),
    },
    {
      weight: 1,
      arbitrary: text(
        'huge',
        fc.constantFrom(300_000, 1_100_000).map((n) => JSON.stringify({ text: 'x'.repeat(n), reason: 'y', comment: 'z' })),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({
        kind: 'invalid UTF-8',
        body: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, ...bytes, 0x22, 0x7d]) as
          | string
          | Uint8Array
          | undefined,
      })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'no body', body: undefined }) },
  );
};

/** A path segment standing for an id: known ids of every kind, fresh ones, and junk. */
const idSegment = (known: Known, own: keyof Known): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known[own]) },
    { weight: 2, arbitrary: fc.constantFrom(...known.referrals, ...known.handoffs, ...known.subscriptions, ...known.alerts) },
    { weight: 1, arbitrary: ulidArb },
    { weight: 1, arbitrary: ulidArb.map((id) => id.toLowerCase()) },
    { weight: 2, arbitrary: nastyString.map((s) => encode(s.slice(0, 3_000))) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2F', 'a%2Fb', '%ZZ', '%E0%A4%A', '%00', '*', ';', ':id', '{id}') },
  );

/** A query string (sometimes repeated keys, unknown keys, junk values). */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'box',
          'status',
          'serviceArea',
          'team',
          'sort',
          'org',
          'limit',
          'cursor',
          'unread',
          'from',
          'to',
          'groupBy',
          'owner',
          '_lastUpdated',
          '_count',
          '_cursor',
          '__proto__',
          'constructor[prototype]',
        ),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(
        fc.constantFrom(
          'inbox',
          'outbox',
          'owned',
          'submitted',
          'accepted',
          'newest',
          'due',
          'ecc',
          'provide',
          '1',
          '25',
          '100',
          '101',
          '0',
          '-1',
          '1e2',
          'true',
          'false',
          '2026-01-01',
          'ge2026-01-01',
          'lt2026-02-30',
          'Organization/ecc',
          'requested,received',
          'x'.repeat(3_000),
        ),
        ulidArb.map((id) => Buffer.from(JSON.stringify({ k: id })).toString('base64url')),
        nastyString.map((s) => s.slice(0, 500).toWellFormed()),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`));

/** Every route's path template with ids filled in, or a path no route serves. */
export const pathFor = (known: Known, route: RouteDefinition | undefined): fc.Arbitrary<string> => {
  if (!route) {
    const segment = fc.oneof(
      fc.constantFrom(
        'referrals',
        'handoffs',
        'subscriptions',
        'alerts',
        'metrics',
        'summary',
        '_local',
        'token',
        'stats',
        'health',
        'openapi.json',
        'reference',
        'fhir',
        'R4',
        'Task',
        'ServiceRequest',
        'Patient',
        'metadata',
        '',
        '..',
        '%2F',
        '🙂',
        '__proto__',
        'constructor',
        'prototype',
      ),
      ulidArb,
      nastyString.map((s) => encode(s.slice(0, 200))),
    );
    return fc.array(segment, { minLength: 0, maxLength: 5 }).map((segments) => `/${segments.join('/')}`);
  }
  if (route.path.startsWith('/fhir/R4/') && route.path.endsWith('/{id}')) {
    const template = route.path;
    const fhirId = template.startsWith('/fhir/R4/Task/')
      ? fc.oneof(
          idSegment(known, 'referrals'),
          fc.constantFrom(...known.handoffs).map((id) => `handoff-${id}`),
        )
      : template.startsWith('/fhir/R4/Organization/')
        ? fc.oneof(fc.constantFrom(...ORGS), idSegment(known, 'referrals'))
        : template.startsWith('/fhir/R4/CodeSystem/')
          ? fc.oneof(fc.constantFrom('service-area', 'decline-reason', 'outcome', 'task-code'), idSegment(known, 'referrals'))
          : idSegment(known, 'referrals');
    return fhirId.map((id) => template.replace('{id}', id));
  }
  if (route.path.includes('{operation}')) {
    return fc
      .oneof({ weight: 6, arbitrary: fc.constant('$process-message') }, { weight: 1, arbitrary: idSegment(known, 'referrals') })
      .map((operation) => route.path.replace('{operation}', operation));
  }
  const own: keyof Known = route.path.startsWith('/handoffs')
    ? 'handoffs'
    : route.path.startsWith('/subscriptions')
      ? 'subscriptions'
      : route.path.startsWith('/alerts')
        ? 'alerts'
        : 'referrals';
  return route.path.includes('{id}') ? idSegment(known, own).map((id) => route.path.replace('{id}', id)) : fc.constant(route.path);
};
