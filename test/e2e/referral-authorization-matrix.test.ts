/**
 * Who may do what to a referral, over HTTP against the local runtime: every referral
 * route × every kind of caller, in every state that matters. The expected statuses are
 * written out by hand from DESIGN §3 (identity and access; the action table) and §4 (the
 * route table), not derived from the code. Check order: 401 → 400/422 → 404 → 403 → 412 → 409.
 *
 * Every action cell gets a fresh referral, so a cell that succeeds (or wrongly succeeds)
 * never changes what another cell sees; every rejected action is shown to have changed
 * nothing. Every 404 is compared with the 404 for an id that does not exist at all.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  randomNhsNumber,
  randomUlid,
  readAllPages,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

// ── Who calls ────────────────────────────────────────────────────────────────────────
const PROVIDE: CallerClaims = { sub: 'matrix-provide-practitioner', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'matrix-ecc-practitioner', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'matrix-meht-practitioner', org: 'meht', roles: ['practitioner'] };
const AGEUK: CallerClaims = { sub: 'matrix-ageuk-practitioner', org: 'ageuk-essex', roles: ['practitioner'] };
/** A programme manager whose own org is no party: reads come from the role alone. */
const PM: CallerClaims = { sub: 'matrix-programme-manager', org: 'ageuk-essex', roles: ['programme_manager'] };
/** A programme manager employed by the sender: the org does not make them a practitioner. */
const PM_AT_PROVIDE: CallerClaims = { sub: 'matrix-pm-at-provide', org: 'provide', roles: ['programme_manager'] };
/** Both roles, at an org that is no party: reads as a programme manager, acts and writes nothing. */
const DUAL: CallerClaims = { sub: 'matrix-dual-role', org: 'ageuk-essex', roles: ['practitioner', 'programme_manager'] };
/** A valid token of a party org, but no Jointly role. */
const NO_ROLE: CallerClaims = { sub: 'matrix-no-role', org: 'provide', roles: [] };
/** No Authorization header at all. */
const NO_TOKEN = undefined;

// ── Routes on one referral ───────────────────────────────────────────────────────────
const ACTIONS = ['accept', 'decline', 'redirect', 'request-info', 'provide-info', 'amend', 'cancel', 'complete'] as const;
type Action = (typeof ACTIONS)[number];
const ROUTES = ['GET', ...ACTIONS, 'GET history', 'POST notes', 'GET notes', 'GET access-log'] as const;
type Route = (typeof ROUTES)[number];
const isAction = (route: Route): route is Action => (ACTIONS as readonly string[]).includes(route);

/** The referral's state before the caller acts. */
type Scenario =
  | 'submitted'
  | 'info_requested'
  | 'accepted'
  | 'redirected'
  | 'declined'
  | 'cancelled'
  | 'completed'
  | 'handoff open'
  | 'handed off'
  | 'handoff declined'
  | 'handoff withdrawn';

/** Scenarios in which no action can succeed: their action cells share one referral (faster, same proof). */
const TERMINAL: ReadonlySet<Scenario> = new Set(['declined', 'cancelled', 'completed']);

interface Row {
  readonly caller: CallerClaims | undefined;
  /** One status per entry of {@link ROUTES}, in order. */
  readonly expected: readonly number[];
}

// Rows that are the same whatever the state.
//                 GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
const NON_PARTY = [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404];
const PROG_MGR = [200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200, 200];
const NO_ROLE_ROW = [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403];
const NO_TOKEN_ROW = [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401];
/** A former party (redirected away; a declined or withdrawn handoff target): reads what it saw, does nothing. */
const FORMER = [200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200, 200];
/** Rows whose answers no state changes: in every scenario (the readers a state could trip up). */
const OUTSIDERS = {
  'non-party practitioner (Age UK)': { caller: AGEUK, expected: NON_PARTY },
  'programme manager of a non-party org': { caller: PM, expected: PROG_MGR },
  'practitioner + programme manager of a non-party org': { caller: DUAL, expected: PROG_MGR },
} as const satisfies Record<string, Row>;
/** …and, in the four original scenarios only (they cannot depend on the state at all), these. */
const EVERY_STATE = {
  ...OUTSIDERS,
  'programme manager of the sender org': { caller: PM_AT_PROVIDE, expected: PROG_MGR },
  'token without a known role': { caller: NO_ROLE, expected: NO_ROLE_ROW },
  'no token': { caller: NO_TOKEN, expected: NO_TOKEN_ROW },
} as const satisfies Record<string, Row>;

/**
 * The matrix. A referral from Provide to ECC, then:
 * - `submitted`: as made (owner: Provide, the sender, until the receiver accepts);
 * - `info_requested`: ECC asked for information;
 * - `accepted`: ECC accepted (owner: ECC);
 * - `redirected`: ECC redirected it to MEHT (ECC is now a former party: it reads the
 *   referral as it stood when it left, and acts and writes no more); then Provide amended
 *   the subject and MEHT added a note, which ECC must never see;
 * - `declined`, `cancelled`, `completed`: closed (notes may still be added);
 * - `handoff open`: ECC accepted and offered it to MEHT (MEHT is a party while it is open);
 * - `handed off`: MEHT accepted that handoff (owner: MEHT; ECC stays a party as the receiver);
 * - `handoff declined` / `handoff withdrawn`: MEHT declined it, or ECC withdrew it (MEHT is a
 *   former party); then ECC added a note MEHT must never see.
 */
const MATRIX: Readonly<Record<Scenario, Readonly<Record<string, Row>>>> = {
  submitted: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, also owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 409, 200, 200, 409, 200, 201, 200, 200] },
    'receiver (ECC)': { caller: ECC, expected: /*             */ [200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 201, 200, 200] },
    ...EVERY_STATE,
  },
  info_requested: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, also owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 200, 200, 200, 409, 200, 201, 200, 200] },
    'receiver (ECC)': { caller: ECC, expected: /*             */ [200, 409, 409, 409, 409, 403, 403, 403, 403, 200, 201, 200, 200] },
    ...EVERY_STATE,
  },
  accepted: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, no longer owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 409, 409, 200, 403, 200, 201, 200, 200] },
    'receiver and owner (ECC)': { caller: ECC, expected: /*   */ [200, 409, 409, 409, 409, 403, 403, 403, 200, 200, 201, 200, 200] },
    ...EVERY_STATE,
  },
  redirected: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, also owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 409, 200, 200, 409, 200, 201, 200, 200] },
    'new receiver (MEHT)': { caller: MEHT, expected: /*       */ [200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 201, 200, 200] },
    'redirected-away receiver (ECC, a former party)': { caller: ECC, expected: FORMER },
    ...EVERY_STATE,
  },
  declined: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, also owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 409, 409, 409, 409, 200, 201, 200, 200] },
    'receiver (ECC)': { caller: ECC, expected: /*             */ [200, 409, 409, 409, 409, 403, 403, 403, 403, 200, 201, 200, 200] },
    ...OUTSIDERS,
  },
  cancelled: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide, also owner)': { caller: PROVIDE, expected: [200, 403, 403, 403, 403, 409, 409, 409, 409, 200, 201, 200, 200] },
    'receiver (ECC)': { caller: ECC, expected: /*             */ [200, 409, 409, 409, 409, 403, 403, 403, 403, 200, 201, 200, 200] },
    ...OUTSIDERS,
  },
  completed: {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide)': { caller: PROVIDE, expected: /*       */ [200, 403, 403, 403, 403, 409, 409, 409, 403, 200, 201, 200, 200] },
    'receiver and owner (ECC)': { caller: ECC, expected: /*   */ [200, 409, 409, 409, 409, 403, 403, 403, 409, 200, 201, 200, 200] },
    ...OUTSIDERS,
  },
  'handoff open': {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide)': { caller: PROVIDE, expected: /*       */ [200, 403, 403, 403, 403, 409, 409, 409, 403, 200, 201, 200, 200] },
    'receiver and owner (ECC, offering)': { caller: ECC, expected: [200, 409, 409, 409, 409, 403, 403, 403, 409, 200, 201, 200, 200] },
    'handoff target (MEHT, a party now)': { caller: MEHT, expected: [200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 201, 200, 200] },
    ...OUTSIDERS,
  },
  'handed off': {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide)': { caller: PROVIDE, expected: /*       */ [200, 403, 403, 403, 403, 409, 409, 200, 403, 200, 201, 200, 200] },
    'former owner (ECC, still the receiver)': { caller: ECC, expected: [200, 409, 409, 409, 409, 403, 403, 403, 403, 200, 201, 200, 200] },
    'new owner (MEHT)': { caller: MEHT, expected: /*          */ [200, 403, 403, 403, 403, 403, 403, 403, 200, 200, 201, 200, 200] },
    ...OUTSIDERS,
  },
  'handoff declined': {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide)': { caller: PROVIDE, expected: /*       */ [200, 403, 403, 403, 403, 409, 409, 200, 403, 200, 201, 200, 200] },
    'receiver and owner (ECC)': { caller: ECC, expected: /*   */ [200, 409, 409, 409, 409, 403, 403, 403, 200, 200, 201, 200, 200] },
    'former handoff target (MEHT, declined)': { caller: MEHT, expected: FORMER },
    ...OUTSIDERS,
  },
  'handoff withdrawn': {
    //                                                           GET  accept decl redir reqinf provinf amend cancel compl hist +note notes log
    'sender (Provide)': { caller: PROVIDE, expected: /*       */ [200, 403, 403, 403, 403, 409, 409, 200, 403, 200, 201, 200, 200] },
    'receiver and owner (ECC)': { caller: ECC, expected: /*   */ [200, 409, 409, 409, 409, 403, 403, 403, 200, 200, 201, 200, 200] },
    'former handoff target (MEHT, withdrawn)': { caller: MEHT, expected: FORMER },
    ...OUTSIDERS,
  },
};

/** A valid body for each action; a redirect names an org that is neither sender nor receiver. */
const actionBody = (action: Action, scenario: Scenario): Record<string, unknown> => {
  switch (action) {
    case 'accept':
      return { comment: 'We will assess this week.' };
    case 'decline':
      return { reasonCode: 'no-capacity', comment: 'No capacity in this locality until next month.' };
    case 'redirect':
      return { toOrg: scenario === 'redirected' ? 'ageuk-essex' : 'meht', comment: 'Better placed with them.' };
    case 'request-info':
      return { comment: 'Is there a carer at home?' };
    case 'provide-info':
      return { comment: 'Yes, her daughter visits daily.' };
    case 'amend':
      return { reason: 'Falls at home three times this week; lives alone.' };
    case 'cancel':
      return { reasonCode: 'no-longer-required', comment: 'Family have arranged care.' };
    case 'complete':
      return { outcome: 'admission-avoided', comment: 'Reablement package in place.' };
  }
};

/** What a successful action leaves the referral as (DESIGN §3). */
const AFTER_SUCCESS: Readonly<Record<Action, string>> = {
  accept: 'accepted',
  decline: 'declined',
  redirect: 'submitted',
  'request-info': 'info_requested',
  'provide-info': 'submitted',
  amend: '(unchanged)',
  cancel: 'cancelled',
  complete: 'completed',
};

const expectStatus = (response: ApiResponse, status: number) => expect(response.status, `${response.status} ${response.text}`).toBe(status);

interface Prepared {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly nhsNumber: string;
  /** In this referral's name, reason, comments and notes: no other referral's body may show it. */
  readonly marker: string;
}

/** Every referral's marker, to prove no body shows another referral's name, reason or comment. */
const markers = new Set<string>();

/** A referral from Provide to ECC, brought into the scenario's state by its parties; every text carries its marker. */
const prepare = async (scenario: Scenario): Promise<Prepared> => {
  const marker = `MX${randomUlid().slice(-10)}`;
  markers.add(marker);
  const body = referralBody({ reason: `Reason ${marker}: falls at home.` });
  body.subject.name = `Person ${marker}`;
  const created = await api.post(PROVIDE, '/referrals', body);
  expectStatus(created, 201);
  const id = created.body.id as string;
  const step = async (caller: CallerClaims, path: string, stepBody: Record<string, unknown>, status = 200) => {
    const reply = await api.post(caller, `/referrals/${id}${path}`, stepBody);
    expectStatus(reply, status);
    return reply.body;
  };
  const comment = `Comment ${marker}`;
  let last = created.body;
  const handoff = async (answer?: 'accept' | 'decline' | 'withdraw') => {
    await step(ECC, '/accept', { comment });
    const offered = await step(ECC, '/handoffs', { toOrg: 'meht', reason: `Handoff ${marker}` }, 201);
    if (answer) {
      const [who, answerBody] =
        answer === 'withdraw'
          ? [ECC, { comment }]
          : answer === 'decline'
            ? [MEHT, { reasonCode: 'no-capacity', comment }]
            : [MEHT, { comment }];
      const reply = await api.post(who, `/handoffs/${offered.id}/${answer}`, answerBody);
      expectStatus(reply, 200);
    }
  };
  switch (scenario) {
    case 'submitted':
      break;
    case 'info_requested':
      last = await step(ECC, '/request-info', { comment });
      break;
    case 'accepted':
      last = await step(ECC, '/accept', { comment });
      break;
    case 'redirected':
      await step(ECC, '/redirect', { toOrg: 'meht', comment });
      // Later than ECC's leaving: an amended subject and a note it must never see.
      last = await step(PROVIDE, '/amend', { subject: { ...body.subject, name: `LATER ${marker}` } });
      await step(MEHT, '/notes', { text: `LATER note ${marker}` }, 201);
      break;
    case 'declined':
      last = await step(ECC, '/decline', { reasonCode: 'no-capacity', comment });
      break;
    case 'cancelled':
      last = await step(PROVIDE, '/cancel', { reasonCode: 'no-longer-required', comment });
      break;
    case 'completed':
      await step(ECC, '/accept', { comment });
      last = await step(ECC, '/complete', { outcome: 'admission-avoided', comment });
      break;
    case 'handoff open':
    case 'handed off':
    case 'handoff declined':
    case 'handoff withdrawn': {
      await handoff(
        ({ 'handoff open': undefined, 'handed off': 'accept', 'handoff declined': 'decline', 'handoff withdrawn': 'withdraw' } as const)[
          scenario
        ],
      );
      if (scenario === 'handoff declined' || scenario === 'handoff withdrawn')
        await step(ECC, '/notes', { text: `LATER note ${marker}` }, 201);
      last = (await api.get(PROVIDE, `/referrals/${id}`)).body;
      break;
    }
  }
  return { id, version: last.version, status: last.status, nhsNumber: body.subject.nhsNumber, marker };
};

/** Calls one route of the matrix on referral `id`. */
const callRoute = (route: Route, caller: CallerClaims | undefined, id: string, scenario: Scenario): Promise<ApiResponse> => {
  if (isAction(route)) return api.post(caller, `/referrals/${id}/${route}`, actionBody(route, scenario));
  switch (route) {
    case 'GET':
      return api.get(caller, `/referrals/${id}`);
    case 'GET history':
      return api.get(caller, `/referrals/${id}/history`);
    case 'POST notes':
      return api.post(caller, `/referrals/${id}/notes`, { text: 'Phoned the daughter; she agrees with the plan.' });
    case 'GET notes':
      return api.get(caller, `/referrals/${id}/notes`);
    case 'GET access-log':
      return api.get(caller, `/referrals/${id}/access-log`);
  }
};

/** Every cell of the matrix as a test case. */
const cells = (Object.entries(MATRIX) as [Scenario, Record<string, Row>][]).flatMap(([scenario, rows]) =>
  Object.entries(rows).flatMap(([who, row]) => {
    if (row.expected.length !== ROUTES.length)
      throw new Error(`${scenario} · ${who}: ${row.expected.length} statuses for ${ROUTES.length} routes`);
    // What GET's allowedActions must be: exactly the actions this row lets the caller take now.
    const allowed = ACTIONS.filter((_, a) => row.expected[a + 1] === 200);
    const former = row.expected === FORMER;
    return ROUTES.map((route, i) => ({ scenario, who, route, caller: row.caller, expected: row.expected[i]!, allowed, former }));
  }),
);

// Cells are independent (an action that may succeed gets a fresh referral; reads and refused
// actions, which change nothing, share one per scenario), so they run concurrently.
describe.concurrent('authorization matrix: every referral route × every caller × every state', () => {
  /** One referral per scenario for the reads, notes and refused actions (they change no state). */
  const shared = new Map<Scenario, Prepared>();

  beforeAll(async () => {
    // Another referral between the same orgs, with its own name, reason, comments and note.
    const other = await prepare('accepted');
    await api.post(ECC, `/referrals/${other.id}/notes`, { text: `Note ${other.marker}` });
    const scenarios = Object.keys(MATRIX) as Scenario[];
    const prepared = await Promise.all(scenarios.map((scenario) => prepare(scenario)));
    for (const [i, scenario] of scenarios.entries()) shared.set(scenario, prepared[i]!);
  }, 120_000);

  it.for(cells)('$scenario · $who · $route → $expected', async ({ scenario, route, caller, expected, allowed, former }, { expect }) => {
    // Prepare
    const referral = isAction(route) && expected === 200 && !TERMINAL.has(scenario) ? await prepare(scenario) : shared.get(scenario)!;

    // Act
    const response = await callRoute(route, caller, referral.id, scenario);

    // Assess
    expect(response.status, `${response.status} ${response.text}`).toBe(expected);
    if (expected === 401) {
      expect(response.text).toBe('{"message":"Unauthorized"}');
    } else if (expected >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status: expected, title: expect.any(String), detail: expect.any(String) });
      expect(JSON.stringify(response.body)).not.toContain(referral.nhsNumber);
    }
    if (expected === 404) {
      // Zero existence leak: exactly what an id that never existed gets.
      const missing = await callRoute(route, caller, randomUlid(), scenario);
      expect(missing.status).toBe(404);
      expect({ type: response.body.type, title: response.body.title, detail: response.body.detail }).toEqual({
        type: missing.body.type,
        title: missing.body.title,
        detail: missing.body.detail,
      });
    }
    if (route === 'GET' && expected === 200) {
      expect(response.body.id).toBe(referral.id);
      expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
      expect(response.body.allowedActions).toEqual(allowed);
      for (const handoff of response.body.handoffs) expect(handoff.referralId).toBe(referral.id);
    }
    if (!isAction(route) && route !== 'GET' && expected === 200) {
      expect(Array.isArray(response.body.items)).toBe(true);
      // Every item belongs to the referral asked for (access-log entries name none: they live in its partition).
      for (const item of response.body.items) if ('referralId' in item) expect(item.referralId).toBe(referral.id);
    }
    if (expected >= 200 && expected < 300) {
      // No name, reason or comment of another referral, ever.
      for (const marker of markers) if (marker !== referral.marker) expect(response.text).not.toContain(marker);
    }
    if (former) {
      // A former party sees nothing written after it left: no later note, comment or amended subject.
      expect(response.text).not.toContain('LATER');
    }
    if (isAction(route)) {
      const after = await api.get(PROVIDE, `/referrals/${referral.id}`);
      if (expected === 200) {
        expect(after.body.version).toBe(referral.version + 1);
        expect(response.headers.get('etag')).toBe(`"${referral.version + 1}"`);
        expect(after.body.status).toBe(AFTER_SUCCESS[route] === '(unchanged)' ? referral.status : AFTER_SUCCESS[route]);
      } else {
        // A rejected action changed nothing.
        expect({ version: after.body.version, status: after.body.status }).toEqual({ version: referral.version, status: referral.status });
      }
    }
  });
});

describe('collection routes: list, search, create', () => {
  let referral: Prepared;

  beforeAll(async () => {
    referral = await prepare('submitted');
  });

  /** The collection routes, each as (caller) → response. */
  const COLLECTION_ROUTES = {
    'GET /referrals?box=inbox': (caller: CallerClaims | undefined) => api.get(caller, '/referrals?box=inbox'),
    'POST /referrals/search': (caller: CallerClaims | undefined) =>
      api.post(caller, '/referrals/search', { nhsNumber: referral.nhsNumber }),
    'POST /referrals': (caller: CallerClaims | undefined) => api.post(caller, '/referrals', referralBody({ toOrg: 'meht' })),
  } as const;

  //                                                     list  search create
  const COLLECTION_MATRIX: [string, CallerClaims | undefined, number, number, number][] = [
    ['sender practitioner (Provide)', PROVIDE, /*    */ 200, 200, 201],
    ['receiver practitioner (ECC)', ECC, /*          */ 200, 200, 201],
    ['non-party practitioner (Age UK)', AGEUK, /*    */ 200, 200, 201],
    ['programme manager', PM, /*                     */ 200, 200, 403],
    ['programme manager of the sender org', PM_AT_PROVIDE, 200, 200, 403],
    ['token without a known role', NO_ROLE, /*      */ 403, 403, 403],
    ['no token', NO_TOKEN, /*                        */ 401, 401, 401],
  ];

  const collectionCells = COLLECTION_MATRIX.flatMap(([who, caller, ...statuses]) =>
    (Object.keys(COLLECTION_ROUTES) as (keyof typeof COLLECTION_ROUTES)[]).map((route, i) => ({
      who,
      caller,
      route,
      expected: statuses[i]!,
    })),
  );

  it.each(collectionCells)('$route · $who → $expected', async ({ caller, route, expected }) => {
    // Prepare
    const call = COLLECTION_ROUTES[route];

    // Act
    const response = await call(caller);

    // Assess
    expectStatus(response, expected);
    if (expected === 401) expect(response.text).toBe('{"message":"Unauthorized"}');
    else if (expected >= 400) expect(response.headers.get('content-type')).toBe('application/problem+json');
    else if (expected === 201)
      expect(response.body).toMatchObject({ fromOrg: caller!.org, toOrg: 'meht', status: 'submitted', version: 1 });
    else expect(Array.isArray(response.body.items)).toBe(true);
  });

  it('a non-party finds nothing by the person’s NHS number: the same empty answer as for a person never referred', async () => {
    // Prepare
    const neverReferred = randomNhsNumber();

    // Act
    const known = await api.post(AGEUK, '/referrals/search', { nhsNumber: referral.nhsNumber });
    const unknown = await api.post(AGEUK, '/referrals/search', { nhsNumber: neverReferred });

    // Assess
    expectStatus(known, 200);
    expect(known.body).toEqual({ items: [] });
    expect(unknown.body).toEqual(known.body);
  });

  it('the parties and programme managers find the referral by the NHS number', async () => {
    // Prepare
    const callers = [PROVIDE, ECC, PM, PM_AT_PROVIDE];

    // Act
    const responses = await Promise.all(callers.map((c) => api.post(c, '/referrals/search', { nhsNumber: referral.nhsNumber })));

    // Assess
    for (const response of responses) {
      expectStatus(response, 200);
      expect(response.body.items.map((r: { id: string }) => r.id)).toEqual([referral.id]);
    }
  });

  it('no list of a non-party org contains the referral, in any box', async () => {
    // Prepare
    const boxes = ['inbox', 'outbox', 'owned'];

    // Act
    const lists = await Promise.all(boxes.map((box) => readAllPages(api, AGEUK, `/referrals?box=${box}&limit=100`)));

    // Assess
    for (const items of lists) expect(items.map((r) => r.id)).not.toContain(referral.id);
  });

  it('the sender’s outbox and owned box and the receiver’s inbox list it', async () => {
    // Prepare
    const views: [CallerClaims, string][] = [
      [PROVIDE, 'outbox'],
      [PROVIDE, 'owned'],
      [ECC, 'inbox'],
    ];

    // Act
    const lists = await Promise.all(views.map(([caller, box]) => readAllPages(api, caller, `/referrals?box=${box}&limit=100`)));

    // Assess
    for (const items of lists) expect(items.map((r) => r.id)).toContain(referral.id);
  });

  it('a programme manager lists it with and without org=, and not under an org that is no party', async () => {
    // Prepare
    const paths = [
      '/referrals?box=inbox&limit=100',
      '/referrals?box=inbox&org=ecc&limit=100',
      '/referrals?box=outbox&org=provide&limit=100',
    ];

    // Act
    const lists = await Promise.all(paths.map((path) => readAllPages(api, PM, path)));
    const elsewhere = await readAllPages(api, PM, '/referrals?box=inbox&org=ageuk-essex&limit=100');

    // Assess
    for (const items of lists) expect(items.map((r) => r.id)).toContain(referral.id);
    expect(elsewhere.map((r) => r.id)).not.toContain(referral.id);
  });
});

describe('ETag, If-Match and the check order', () => {
  it('GET answers ETag "<version>", and it follows each change', async () => {
    // Prepare
    const referral = await prepare('submitted');

    // Act
    const first = await api.get(ECC, `/referrals/${referral.id}`);
    await api.post(PROVIDE, `/referrals/${referral.id}/amend`, { priority: 'soon' });
    const second = await api.get(ECC, `/referrals/${referral.id}`);

    // Assess
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.body.version).toBe(1);
    expect(second.headers.get('etag')).toBe('"2"');
    expect(second.body.version).toBe(2);
  });

  it('an action with the current If-Match succeeds; with a stale one → 412 and nothing changes', async () => {
    // Prepare
    const referral = await prepare('submitted');
    const amended = await api.post(
      PROVIDE,
      `/referrals/${referral.id}/amend`,
      { reason: 'Now also not eating.' },
      { headers: { 'If-Match': '"1"' } },
    );
    expectStatus(amended, 200);

    // Act
    const stale = await api.post(ECC, `/referrals/${referral.id}/accept`, {}, { headers: { 'If-Match': '"1"' } });
    const afterStale = await api.get(ECC, `/referrals/${referral.id}`);
    const current = await api.post(ECC, `/referrals/${referral.id}/accept`, {}, { headers: { 'If-Match': '"2"' } });

    // Assess
    expectStatus(stale, 412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(afterStale.body).toMatchObject({ status: 'submitted', version: 2 });
    expectStatus(current, 200);
    expect(current.body).toMatchObject({ status: 'accepted', version: 3, ownerOrg: 'ecc' });
    expect(current.headers.get('etag')).toBe('"3"');
  });

  /** Each case breaks several rules at once; the first in DESIGN §3's order decides. */
  const ORDER_CASES: [string, Scenario, CallerClaims, Action, Record<string, unknown>, string | undefined, number][] = [
    ['non-party with an invalid body → 400 before 404', 'submitted', AGEUK, 'decline', { comment: 'no code' }, undefined, 400],
    [
      'non-party redirecting to an unknown org → 422 before 404',
      'submitted',
      AGEUK,
      'redirect',
      { toOrg: 'nowhere-trust', comment: 'x' },
      undefined,
      422,
    ],
    ['non-party with a stale If-Match → 404 before 412', 'submitted', AGEUK, 'accept', {}, '"7"', 404],
    ['programme manager with a stale If-Match → 403 before 412', 'submitted', PM, 'accept', {}, '"7"', 403],
    ['wrong side, wrong status, stale If-Match → 403 before 412 and 409', 'accepted', PROVIDE, 'accept', {}, '"1"', 403],
    ['right side, wrong status, stale If-Match → 412 before 409', 'accepted', ECC, 'accept', {}, '"1"', 412],
    ['right side, wrong status, current If-Match → 409', 'accepted', ECC, 'accept', {}, '"2"', 409],
    ['right side, wrong status, no If-Match → 409', 'info_requested', PROVIDE, 'complete', { outcome: 'other' }, undefined, 409],
  ];

  it.each(ORDER_CASES)('%s', async (_case, scenario, caller, action, body, ifMatch, expected) => {
    // Prepare
    const referral = await prepare(scenario);
    const headers = ifMatch ? { 'If-Match': ifMatch } : undefined;

    // Act
    const response = await api.post(caller, `/referrals/${referral.id}/${action}`, body, headers ? { headers } : {});

    // Assess
    expectStatus(response, expected);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const after = await api.get(PROVIDE, `/referrals/${referral.id}`);
    expect({ version: after.body.version, status: after.body.status }).toEqual({ version: referral.version, status: referral.status });
  });
});

/**
 * The FHIR face reads through the same use cases: for every caller in every state, reading
 * the referral as a ServiceRequest or as its fulfilment Task answers exactly what the REST
 * read answers (the matrix's GET column), errors as OperationOutcome, with the same
 * zero-existence-leak 404 and nothing of another referral or of what a former party left.
 */
describe.concurrent('authorization matrix: the FHIR reads of a referral answer as its REST read', () => {
  const FHIR_READS = { ServiceRequest: 'ServiceRequest', Task: 'Task' } as const;
  const fhirRead = (resource: keyof typeof FHIR_READS, caller: CallerClaims | undefined, id: string) =>
    api.get(caller, `/fhir/R4/${FHIR_READS[resource]}/${id}`);
  const prepared = new Map<Scenario, Prepared>();

  beforeAll(async () => {
    const scenarios = Object.keys(MATRIX) as Scenario[];
    const referrals = await Promise.all(scenarios.map((scenario) => prepare(scenario)));
    for (const [i, scenario] of scenarios.entries()) prepared.set(scenario, referrals[i]!);
  }, 120_000);

  const fhirCells = (Object.entries(MATRIX) as [Scenario, Record<string, Row>][]).flatMap(([scenario, rows]) =>
    Object.entries(rows).flatMap(([who, row]) =>
      (Object.keys(FHIR_READS) as (keyof typeof FHIR_READS)[]).map((resource) => ({
        scenario,
        who,
        resource,
        caller: row.caller,
        expected: row.expected[0]!,
        former: row.expected === FORMER,
      })),
    ),
  );

  it.for(fhirCells)(
    '$scenario · $who · FHIR $resource → $expected',
    async ({ scenario, resource, caller, expected, former }, { expect }) => {
      // Prepare
      const referral = prepared.get(scenario)!;

      // Act
      const response = await fhirRead(resource, caller, referral.id);

      // Assess
      expect(response.status, `${response.status} ${response.text}`).toBe(expected);
      if (expected === 401) expect(response.text).toBe('{"message":"Unauthorized"}');
      else expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      if (expected >= 400 && expected !== 401) {
        expect(response.body.resourceType).toBe('OperationOutcome');
        expect(JSON.stringify(response.body)).not.toContain(referral.nhsNumber);
      }
      if (expected === 404) {
        const missing = await fhirRead(resource, caller, randomUlid());
        expect(missing.status).toBe(404);
        expect(response.body).toEqual(missing.body);
      }
      if (expected === 200) {
        expect(response.body).toMatchObject({ resourceType: resource, id: referral.id });
        for (const marker of markers) if (marker !== referral.marker) expect(response.text).not.toContain(marker);
      }
      if (former) expect(response.text).not.toContain('LATER');
    },
  );
});
