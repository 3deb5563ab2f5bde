/**
 * The authorization matrix of every handoff route (DESIGN §3 "Identity and access",
 * §4), over HTTP against the local runtime: route × caller → status, from the literal
 * table below. The scene: Provide referred a person to ECC, ECC accepted and offered the
 * referral to MEHT. So ECC is the offering org, MEHT the target, Provide the referral's
 * sender (a third party to the handoff), Age UK Essex no party at all.
 *
 * Every cell of a route that could change state gets a fresh scene of its own, and a
 * cell that is refused is checked to have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handoffApi, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;

const OFFERER: Who = { sub: 'mx-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const TARGET: Who = { sub: 'mx-meht-discharge', org: 'meht', roles: ['practitioner'] };
const SENDER: Who = { sub: 'mx-provide-nurse', org: 'provide', roles: ['practitioner'] };
const NON_PARTY: Who = { sub: 'mx-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
const PM: Who = { sub: 'mx-programme-manager', org: 'provide', roles: ['programme_manager'] };
/** A programme manager whose org is no party to anything here. */
const PM_NON_PARTY: Who = { sub: 'mx-pm-ageuk', org: 'ageuk-essex', roles: ['programme_manager'] };
/** Both roles at a non-party org: reads everything as a programme manager, answers nothing. */
const DUAL: Who = { sub: 'mx-dual-ageuk', org: 'ageuk-essex', roles: ['practitioner', 'programme_manager'] };
/** Of the offering org, but with no Jointly role: the org alone grants nothing. */
const NO_ROLE: Who = { sub: 'mx-ecc-receptionist', org: 'ecc', roles: [] };

const CALLERS = [
  'offerer',
  'target',
  'sender',
  'non-party',
  'programme manager',
  'no-role token',
  'no token',
  'non-party programme manager',
  'dual role',
] as const;
type CallerName = (typeof CALLERS)[number];
const WHO: Readonly<Record<CallerName, Who | undefined>> = {
  offerer: OFFERER,
  target: TARGET,
  sender: SENDER,
  'non-party': NON_PARTY,
  'programme manager': PM,
  'no-role token': NO_ROLE,
  'no token': undefined,
  'non-party programme manager': PM_NON_PARTY,
  'dual role': DUAL,
};

type SceneKind = 'open' | 'declined' | 'withdrawn';

interface Row {
  /** The route as DESIGN §4 names it, and the situation. */
  readonly name: string;
  readonly scene: SceneKind;
  /** Whether a success would change state (then every cell gets a fresh scene). */
  readonly writes: boolean;
  readonly method: 'GET' | 'POST';
  readonly path: (scene: Scene) => string;
  readonly body?: unknown;
  readonly expected: readonly number[];
}

/*
 * The matrix. Columns, in order:
 *   offerer  target  sender  non-party  programme manager  no-role token  no token  non-party PM  dual role
 * In a `declined` or `withdrawn` scene the target is a former party: it reads the handoff as
 * it stood and answers nothing (403, before the 409 the closed status would give).
 */
const ROWS: readonly Row[] = [
  {
    name: 'POST /referrals/{id}/handoffs (a handoff is open)',
    scene: 'open',
    writes: true,
    method: 'POST',
    path: (s) => `/referrals/${s.referralId}/handoffs`,
    body: { toOrg: 'ageuk-essex', reason: 'Voluntary sector support' },
    expected: [409, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'POST /referrals/{id}/handoffs (the last handoff was declined)',
    scene: 'declined',
    writes: true,
    method: 'POST',
    path: (s) => `/referrals/${s.referralId}/handoffs`,
    body: { toOrg: 'ageuk-essex', reason: 'Voluntary sector support' },
    expected: [201, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'GET /handoffs/{id}',
    scene: 'open',
    writes: false,
    method: 'GET',
    path: (s) => `/handoffs/${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  {
    name: 'POST /handoffs/{id}/accept',
    scene: 'open',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/accept`,
    body: { comment: 'We will take it' },
    expected: [403, 200, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'POST /handoffs/{id}/decline',
    scene: 'open',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/decline`,
    body: { reasonCode: 'no-capacity' },
    expected: [403, 200, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'POST /handoffs/{id}/withdraw',
    scene: 'open',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/withdraw`,
    body: {},
    expected: [200, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'POST /handoffs/{id}/accept (already withdrawn: 403 before 409)',
    scene: 'withdrawn',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/accept`,
    body: {},
    expected: [403, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'POST /handoffs/{id}/withdraw (already declined: 403 before 409)',
    scene: 'declined',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/withdraw`,
    body: {},
    expected: [409, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'GET /handoffs/{id} (declined: the former target reads it as it stood)',
    scene: 'declined',
    writes: false,
    method: 'GET',
    path: (s) => `/handoffs/${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  {
    name: 'GET /handoffs/{id} (withdrawn: the former target reads it as it stood)',
    scene: 'withdrawn',
    writes: false,
    method: 'GET',
    path: (s) => `/handoffs/${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  // The FHIR face reads a handoff as a Task through the same use case: the same answer as GET /handoffs/{id}.
  {
    name: 'GET /fhir/R4/Task/handoff-{id}',
    scene: 'open',
    writes: false,
    method: 'GET',
    path: (s) => `/fhir/R4/Task/handoff-${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  {
    name: 'GET /fhir/R4/Task/handoff-{id} (declined: the former target reads it as it stood)',
    scene: 'declined',
    writes: false,
    method: 'GET',
    path: (s) => `/fhir/R4/Task/handoff-${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  {
    name: 'GET /fhir/R4/Task/handoff-{id} (withdrawn: the former target reads it as it stood)',
    scene: 'withdrawn',
    writes: false,
    method: 'GET',
    path: (s) => `/fhir/R4/Task/handoff-${s.handoffId}`,
    expected: [200, 200, 200, 404, 200, 403, 401, 200, 200],
  },
  {
    name: 'POST /handoffs/{id}/decline (already withdrawn: the former target, 403 before 409)',
    scene: 'withdrawn',
    writes: true,
    method: 'POST',
    path: (s) => `/handoffs/${s.handoffId}/decline`,
    body: { reasonCode: 'no-capacity' },
    expected: [403, 403, 403, 404, 403, 403, 401, 403, 403],
  },
  {
    name: 'GET /handoffs?box=inbox',
    scene: 'open',
    writes: false,
    method: 'GET',
    path: () => '/handoffs?box=inbox',
    expected: [200, 200, 200, 200, 200, 403, 401, 200, 200],
  },
  {
    name: 'GET /handoffs?box=outbox&org=ecc (the offering org’s)',
    scene: 'open',
    writes: false,
    method: 'GET',
    path: () => '/handoffs?box=outbox&org=ecc',
    expected: [200, 403, 403, 403, 200, 403, 401, 200, 200],
  },
];

interface Scene {
  readonly referralId: string;
  readonly handoffId: string;
}

/** Builds a scene: Provide → ECC accepted, ECC offers to MEHT, then MEHT declines or ECC withdraws. */
const buildScene = async (kind: SceneKind): Promise<Scene> => {
  const referral = await api.acceptedReferral(SENDER, OFFERER);
  const handoff = await api.offer(OFFERER, referral.id, 'meht');
  if (kind === 'declined') {
    const reply = await api.post(TARGET, `/handoffs/${handoff.id}/decline`, { reasonCode: 'wrong-service' });
    if (reply.status !== 200) throw new Error(`decline: ${reply.status} ${reply.text}`);
  }
  if (kind === 'withdrawn') {
    const reply = await api.post(OFFERER, `/handoffs/${handoff.id}/withdraw`, {});
    if (reply.status !== 200) throw new Error(`withdraw: ${reply.status} ${reply.text}`);
  }
  return { referralId: referral.id, handoffId: handoff.id };
};

/** The answers, in the order `allowedActions` lists them. */
const ANSWER_ROWS = ['accept', 'decline', 'withdraw'] as const;

const CELLS = ROWS.flatMap((row) =>
  CALLERS.map((caller, column) => ({ row, caller, expected: row.expected[column]!, key: `${row.name} × ${caller}` })),
);

/** One scene per writing cell; one per scene kind shared by the reading rows. */
const scenes = new Map<string, Scene>();
const sceneFor = (row: Row, key: string): Scene => {
  const scene = scenes.get(row.writes ? key : `shared:${row.scene}`);
  if (!scene) throw new Error(`no scene for ${key}`);
  return scene;
};

/** Runs `tasks` with at most `width` in flight. */
const inBatches = async (tasks: (() => Promise<void>)[], width: number): Promise<void> => {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
};

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = handoffApi(runtime.url);
  const wanted: [string, SceneKind][] = [
    ...(['open', 'declined', 'withdrawn'] as const).map((kind): [string, SceneKind] => [`shared:${kind}`, kind]),
    ...CELLS.filter((cell) => cell.row.writes).map((cell): [string, SceneKind] => [cell.key, cell.row.scene]),
  ];
  await inBatches(
    wanted.map(([key, kind]) => async () => {
      scenes.set(key, await buildScene(kind));
    }),
    8,
  );
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

/** The handoff and referral as the offerer sees them: to prove a refused request changed nothing. */
const snapshot = async (scene: Scene) => {
  const handoff = await api.get(OFFERER, `/handoffs/${scene.handoffId}`);
  const referral = await api.get(OFFERER, `/referrals/${scene.referralId}`);
  return {
    handoff: [handoff.body.status, handoff.body.version],
    referral: [referral.body.version, referral.body.ownerOrg, referral.body.openHandoffId ?? null],
  };
};

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);

describe('the handoff authorization matrix', () => {
  it('covers every handoff route of DESIGN §4 and nine callers', () => {
    // Prepare
    const routes = new Set(ROWS.map((row) => row.name.split(' (')[0]!.replace(/\?.*$/, '')));

    // Act
    const widths = ROWS.map((row) => row.expected.length);

    // Assess
    expect([...routes].sort()).toEqual(
      [
        'GET /fhir/R4/Task/handoff-{id}',
        'GET /handoffs',
        'GET /handoffs/{id}',
        'POST /handoffs/{id}/accept',
        'POST /handoffs/{id}/decline',
        'POST /handoffs/{id}/withdraw',
        'POST /referrals/{id}/handoffs',
      ].sort(),
    );
    expect(new Set(widths)).toEqual(new Set([CALLERS.length]));
  });

  it.each(CELLS)('$key → $expected', async ({ row, caller, expected, key }) => {
    // Prepare
    const scene = sceneFor(row, key);
    const before = row.writes && expected >= 400 ? await snapshot(scene) : undefined;

    // Act
    const reply =
      row.method === 'GET' ? await api.get(WHO[caller], row.path(scene)) : await api.post(WHO[caller], row.path(scene), row.body);

    // Assess
    const fhir = row.path(scene).startsWith('/fhir/');
    expectStatus(reply, expected);
    if (expected === 401) {
      expect(reply.text).toBe('{"message":"Unauthorized"}');
    } else if (expected >= 400 && fhir) {
      // The FHIR face refuses as an OperationOutcome, naming nothing of the handoff.
      expect(reply.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(reply.body.resourceType).toBe('OperationOutcome');
      expect(reply.text).not.toContain(scene.referralId);
    } else if (expected >= 400) {
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(reply.body).toMatchObject({ status: expected });
    }
    if (fhir && expected === 200) {
      expect(reply.body).toMatchObject({
        resourceType: 'Task',
        id: `handoff-${scene.handoffId}`,
        focus: { reference: `ServiceRequest/${scene.referralId}` },
      });
    }
    if (expected === 404 && !fhir) {
      // The 404 says nothing the caller did not send: only `instance` echoes the requested path.
      const { instance, ...rest } = reply.body as { instance: string };
      expect(instance).toBe(row.path(scene));
      expect(JSON.stringify(rest)).not.toContain(scene.referralId);
      expect(JSON.stringify(rest)).not.toContain(scene.handoffId);
    }
    if (row.method === 'GET' && expected === 200 && row.path(scene).startsWith('/handoffs/')) {
      // allowedActions: exactly the answers this caller's cells allow on an open handoff (none once closed).
      const allowedNow =
        row.scene === 'open'
          ? ANSWER_ROWS.filter(
              (answer) => ROWS.find((r) => r.name === `POST /handoffs/{id}/${answer}`)!.expected[CALLERS.indexOf(caller)] === 200,
            )
          : [];
      expect(reply.body).toMatchObject({ id: scene.handoffId, referralId: scene.referralId });
      expect(reply.body.allowedActions).toEqual(allowedNow);
    }
    if (row.method === 'GET' && expected === 200 && Array.isArray(reply.body?.items)) {
      for (const item of reply.body.items) expect(Object.keys(item)).not.toContain('targetJoined');
    }
    if (before) expect(await snapshot(scene)).toEqual(before);
  });

  it('lists show an open handoff only to its two orgs (and programme managers)', async () => {
    // Prepare
    const { handoffId } = scenes.get('shared:open')!;
    const listed = async (who: Who, box: 'inbox' | 'outbox') => {
      const { items } = await api.allPages(who, `/handoffs?box=${box}&status=offered&limit=100`);
      return items.some((h: { id: string }) => h.id === handoffId);
    };

    // Act
    const seen = {
      targetInbox: await listed(TARGET, 'inbox'),
      offererOutbox: await listed(OFFERER, 'outbox'),
      offererInbox: await listed(OFFERER, 'inbox'),
      senderInbox: await listed(SENDER, 'inbox'),
      senderOutbox: await listed(SENDER, 'outbox'),
      nonPartyInbox: await listed(NON_PARTY, 'inbox'),
      programmeManagerInbox: await listed(PM, 'inbox'),
      programmeManagerOutbox: await listed(PM, 'outbox'),
    };

    // Assess
    expect(seen).toEqual({
      targetInbox: true,
      offererOutbox: true,
      offererInbox: false,
      senderInbox: false,
      senderOutbox: false,
      nonPartyInbox: false,
      programmeManagerInbox: true,
      programmeManagerOutbox: true,
    });
  });
});
