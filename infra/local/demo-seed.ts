/**
 * `npm start -- --seed demo`: fills a running local runtime with a believable morning of the
 * programme, so a first look at Jointly shows full boxes instead of empty ones.
 *
 * The seed is only a client of the public HTTP API, like any other: it signs its demo users
 * in through `POST /_local/token` and makes every referral, action, note, handoff and
 * subscription with the routes the contract documents (with `Idempotency-Key` where the API
 * takes one), so what it leaves behind is exactly what real use would leave, events, alerts,
 * metrics and access log included. Nothing is written to the table behind the API's back.
 *
 * What it makes is a fixed list, not random: 36 referrals across Provide, ECC, MEHT and Age
 * UK Essex in every service area and priority, in every state a referral reaches (awaiting
 * triage, information asked for and given, accepted, declined, redirected, completed,
 * cancelled), case notes, handoffs (open, accepted, declined, withdrawn) and a programme
 * manager's subscriptions. The people are invented: names no one is called, NHS numbers
 * from the 999 range the NHS never issues (valid check digit all the same).
 */
import { randomUUID } from 'node:crypto';
import type { OrgId } from '../../shared/core/organisations.ts';
import {
  type CancelReasonCode,
  type DeclineReasonCode,
  HANDOFF_STATUSES,
  type HandoffStatus,
  type OutcomeCode,
  type Priority,
  REFERRAL_STATUSES,
  type ReferralStatus,
  type ServiceArea,
} from '../../shared/core/reference-data.ts';
import { ENV } from '../../shared/platform/config/environment.ts';
import { nhsCheckDigit } from '../../shared/referrals/domain/nhs-number.ts';

import { DEMO_USERS, type DemoUser } from './demo-users.ts';

export { DEMO_USERS, type DemoUser };

type DemoSub = (typeof DEMO_USERS)[number]['sub'];
const userBySub = (sub: DemoSub): DemoUser => DEMO_USERS.find((user) => user.sub === sub)!;
const PROGRAMME_MANAGER = userBySub('pm.jo');
/** The practitioner who acts for each organisation. */
const PRACTITIONER: Readonly<Record<OrgId, DemoUser>> = {
  provide: userBySub('nurse.sam'),
  ecc: userBySub('sw.alex'),
  meht: userBySub('discharge.kim'),
  'ageuk-essex': userBySub('coordinator.ria'),
};

/** Each organisation's team in the demo (`fromTeam`/`toTeam`, so the `team` filter has something to find). */
const TEAM: Readonly<Record<OrgId, string>> = {
  provide: 'community-nursing-mid',
  ecc: 'asc-mid-duty',
  meht: 'discharge-hub',
  'ageuk-essex': 'home-from-hospital',
};

/**
 * The response targets `--seed demo` gives its runtime when `JOINTLY_PRIORITY_TARGET_MINUTES`
 * is unset: an urgent referral is due a minute after it is made, so the one left awaiting
 * triage turns overdue while you look (the others keep their usual targets).
 */
export const DEMO_PRIORITY_TARGET_MINUTES: Readonly<Partial<Record<Priority, number>>> = { urgent: 1 };

/**
 * Extra environment for the runtime `--seed demo` starts: the demo's short urgent target,
 * unless the user chose targets themselves (theirs win; `'{}'` keeps the usual ones).
 */
export const demoRuntimeEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  env[ENV.priorityTargets] ? {} : { [ENV.priorityTargets]: JSON.stringify(DEMO_PRIORITY_TARGET_MINUTES) };

/** An invented person. */
export interface DemoPerson {
  readonly name: string;
  readonly nhsNumber: string;
  readonly dateOfBirth: string;
  readonly postcode: string;
}

// 18 first names × 12 surnames that are plainly not surnames: 36 different people, one per referral.
const FIRST_NAMES = [
  'Edith',
  'Arthur',
  'Doris',
  'Percy',
  'Violet',
  'Harold',
  'Mabel',
  'Stanley',
  'Ivy',
  'Cyril',
  'Gladys',
  'Wilfred',
  'Hilda',
  'Reginald',
  'Marjorie',
  'Leonard',
  'Winifred',
  'Albert',
];
const SURNAMES = [
  'Example',
  'Sample',
  'Specimen',
  'Placeholder',
  'Testwell',
  'Madeup',
  'Pretend',
  'Fictitious',
  'Dummy',
  'Imaginary',
  'Invented',
  'Makebelieve',
];
const OUTWARD_CODES = ['CM1', 'CM2', 'CM3', 'CM7', 'CM8', 'CM9', 'SS11', 'CO5', 'CM77'];
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/**
 * The `count`th-from-`from` valid NHS numbers of the 999 range (999 000 0000 – 999 999 9999),
 * which the NHS keeps for test data and never issues to a person.
 */
const testRangeNhsNumbers = (count: number, from = 123_457): string[] => {
  const numbers: string[] = [];
  for (let serial = from; numbers.length < count; serial += 7_919) {
    const firstNine = `999${String(serial % 1_000_000).padStart(6, '0')}`;
    const check = nhsCheckDigit(firstNine);
    // Some nine-digit stems have no valid check digit (remainder 1): the NHS skips them too.
    if (check !== undefined) numbers.push(`${firstNine}${check}`);
  }
  return numbers;
};

/** The demo's people, in referral order. */
export const DEMO_PEOPLE: readonly DemoPerson[] = testRangeNhsNumbers(36).map((nhsNumber, i) => ({
  name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${SURNAMES[i % SURNAMES.length]}`,
  nhsNumber,
  dateOfBirth: `${1929 + ((i * 7) % 22)}-${String(((i * 5) % 12) + 1).padStart(2, '0')}-${String(((i * 11) % 28) + 1).padStart(2, '0')}`,
  postcode: `${OUTWARD_CODES[i % OUTWARD_CODES.length]} ${(i % 9) + 1}${INWARD_LETTERS[(i * 3) % 20]}${INWARD_LETTERS[(i * 7 + 5) % 20]}`,
}));

/** Which practitioner takes a step: the referral's sender, its current receiver or its current owner. */
type Side = 'sender' | 'receiver' | 'owner';

/** One thing that happens to a demo referral after it is made, in order. */
type Step =
  | { readonly do: 'accept'; readonly comment?: string }
  | { readonly do: 'decline'; readonly reasonCode: DeclineReasonCode; readonly comment: string }
  | { readonly do: 'redirect'; readonly toOrg: OrgId; readonly comment: string }
  | { readonly do: 'request-info'; readonly comment: string }
  | { readonly do: 'provide-info'; readonly comment: string }
  | { readonly do: 'complete'; readonly outcome: OutcomeCode; readonly comment?: string }
  | { readonly do: 'cancel'; readonly reasonCode: CancelReasonCode; readonly comment?: string }
  | { readonly do: 'note'; readonly by: Side; readonly text: string }
  | { readonly do: 'offer'; readonly toOrg: OrgId; readonly reason: string }
  | { readonly do: 'accept-handoff'; readonly comment?: string }
  | { readonly do: 'decline-handoff'; readonly reasonCode: DeclineReasonCode; readonly comment?: string }
  | { readonly do: 'withdraw-handoff'; readonly comment?: string };

/** A referral of the demo morning: who to whom, about what, and what becomes of it. */
interface DemoReferral {
  readonly from: OrgId;
  readonly to: OrgId;
  readonly serviceArea: ServiceArea;
  readonly priority: Priority;
  readonly reason: string;
  readonly steps: readonly Step[];
}

/**
 * The morning. The first referral is the one left overdue: urgent and awaiting triage. Every
 * other urgent referral leaves `submitted` (or waits for information, which pauses its
 * clock), and open handoffs are on soon or routine referrals, so with the demo's one-minute
 * urgent target exactly one referral breaches.
 */
const MORNING: readonly DemoReferral[] = [
  // Awaiting triage.
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason:
      'Found on the floor by the carer at 07:30, not injured but unable to get up unaided. Carer cannot continue double-up calls; needs same-day social care review of the package.',
    steps: [],
  },
  {
    from: 'meht',
    to: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Medically optimised on ward 12; discharge to assess, needs a home care package of four calls a day before discharge.',
    steps: [],
  },
  {
    from: 'ageuk-essex',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Befriending volunteer noticed swollen ankles and breathlessness on the stairs; asks for a community nurse visit.',
    steps: [],
  },
  {
    from: 'ecc',
    to: 'ageuk-essex',
    serviceArea: 'joint-referral',
    priority: 'routine',
    reason: 'Lives alone since a bereavement, not eating well; shopping support and a weekly befriending call would help.',
    steps: [],
  },
  {
    from: 'provide',
    to: 'meht',
    serviceArea: 'rapid-response',
    priority: 'soon',
    reason: 'Leg ulcer not healing after six weeks of compression; asks for a tissue viability clinic appointment.',
    steps: [{ do: 'note', by: 'sender', text: 'Wound photographed at today’s visit; dressing changed to silver alginate meanwhile.' }],
  },
  {
    from: 'meht',
    to: 'ageuk-essex',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    reason: 'Going home from A&E after a fall; Home from Hospital support for the first week: shopping, prescriptions, a check-in call.',
    steps: [],
  },
  // Accepted, and being worked on.
  {
    from: 'meht',
    to: 'provide',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason: 'Discharged last night with a new catheter; needs a community nurse visit today to check it and teach the family.',
    steps: [
      { do: 'accept', comment: 'Nurse visiting before midday.' },
      { do: 'note', by: 'receiver', text: 'Catheter draining well; family shown how to empty the bag. Review in 48 hours.' },
      {
        do: 'offer',
        toOrg: 'ecc',
        reason: 'Nursing needs met; the family now asks for help with personal care, which social care leads on.',
      },
      { do: 'accept-handoff', comment: 'Duty social worker to call the family this afternoon.' },
    ],
  },
  {
    from: 'ecc',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    reason:
      'Home carer reports new confusion since yesterday; possible infection. Asks for a nurse assessment to avoid a hospital admission.',
    steps: [{ do: 'accept' }],
  },
  {
    from: 'ageuk-essex',
    to: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'routine',
    reason: 'Daughter can no longer manage the stairs with her father; asks for an occupational therapy assessment for a stairlift.',
    steps: [{ do: 'accept', comment: 'OT assessment to be booked this week.' }],
  },
  {
    from: 'provide',
    to: 'ageuk-essex',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Socially isolated, missing meals; asks for a befriender and help setting up a meal delivery.',
    steps: [
      { do: 'accept' },
      { do: 'note', by: 'receiver', text: 'Volunteer matched; first visit Thursday. Meals on wheels form sent.' },
      { do: 'offer', toOrg: 'ecc', reason: 'Needs more than befriending: a care needs assessment for daily support.' },
    ],
  },
  // Waiting for the information the receiver asked for.
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Joint visit requested: pressure sore risk rising and the current package does not cover repositioning at night.',
    steps: [{ do: 'request-info', comment: 'Is there a current Waterlow score, and who holds lasting power of attorney?' }],
  },
  {
    from: 'ageuk-essex',
    to: 'meht',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason: 'Volunteer found the person short of breath and dizzy; GP advised the frailty same-day service.',
    steps: [{ do: 'request-info', comment: 'Please confirm the GP practice and whether the person agreed to the referral.' }],
  },
  {
    from: 'meht',
    to: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Frequent attender (three times in a month) with falls; asks for a social care review to prevent a fourth.',
    steps: [{ do: 'request-info', comment: 'Which care agency visits now, and how often?' }],
  },
  // Information asked for and given.
  {
    from: 'ecc',
    to: 'provide',
    serviceArea: 'rapid-response',
    priority: 'soon',
    reason: 'Reablement carers report a wound on the shin that is getting worse; asks for a nurse to dress it.',
    steps: [
      { do: 'request-info', comment: 'Is the wound weeping, and is there a history of diabetes?' },
      { do: 'provide-info', comment: 'Weeping since Monday; type 2 diabetes, diet controlled.' },
    ],
  },
  {
    from: 'provide',
    to: 'ageuk-essex',
    serviceArea: 'joint-referral',
    priority: 'routine',
    reason: 'Would benefit from a benefits check and help applying for Attendance Allowance.',
    steps: [
      { do: 'request-info', comment: 'Does the person want a home visit or a phone appointment?' },
      { do: 'provide-info', comment: 'Home visit please; hard of hearing on the phone.' },
      { do: 'accept' },
    ],
  },
  {
    from: 'ageuk-essex',
    to: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    reason: 'Carer (wife) is unwell and admitted to hospital; husband with dementia is at home alone. Needs emergency respite.',
    steps: [
      { do: 'request-info', comment: 'Is there a neighbour or relative who can stay tonight?' },
      { do: 'provide-info', comment: 'A neighbour can stay tonight only.' },
      { do: 'accept', comment: 'Emergency respite bed found from tomorrow.' },
      { do: 'note', by: 'receiver', text: 'Respite placement confirmed for 14 nights; transport booked for 10:00.' },
    ],
  },
  // Declined, each with its reason code.
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Asks for a cleaning service; the home is cluttered.',
    steps: [
      { do: 'decline', reasonCode: 'not-eligible', comment: 'No eligible care need under the Care Act; signposted to private cleaners.' },
    ],
  },
  {
    from: 'meht',
    to: 'ageuk-essex',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason: 'Going home tonight; asks for a volunteer to settle the person in and stock the fridge.',
    steps: [{ do: 'decline', reasonCode: 'no-capacity', comment: 'No volunteer free this evening; please try the British Red Cross.' }],
  },
  {
    from: 'ecc',
    to: 'meht',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Asks for a memory clinic assessment.',
    steps: [{ do: 'decline', reasonCode: 'wrong-service', comment: 'Memory assessment is by GP referral to the mental health trust.' }],
  },
  {
    from: 'ageuk-essex',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Asks for a continence assessment.',
    steps: [{ do: 'decline', reasonCode: 'duplicate', comment: 'Already referred by the GP last week; assessment booked.' }],
  },
  // Redirected to a better-placed organisation.
  {
    from: 'provide',
    to: 'meht',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Needs a package of care review after a hospital stay; unsure who leads.',
    steps: [{ do: 'redirect', toOrg: 'ecc', comment: 'Care package reviews are social care’s: sent on to ECC.' }],
  },
  {
    from: 'meht',
    to: 'ageuk-essex',
    serviceArea: 'crisis-prevention',
    priority: 'urgent',
    reason: 'Discharged with IV antibiotics at home; asks for daily support.',
    steps: [
      { do: 'redirect', toOrg: 'provide', comment: 'IV antibiotics need a nurse: sent on to Provide.' },
      { do: 'accept', comment: 'Community IV team visiting twice daily.' },
    ],
  },
  {
    from: 'ageuk-essex',
    to: 'ecc',
    serviceArea: 'rapid-response',
    priority: 'routine',
    reason: 'Has a new pressure sore; asks what help is available.',
    steps: [{ do: 'redirect', toOrg: 'provide', comment: 'Pressure care is a nursing need: sent on to Provide.' }],
  },
  // Completed, each with its outcome.
  {
    from: 'meht',
    to: 'provide',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason: 'Seen in A&E for a fall; can go home tonight if a rapid response nurse visits in the morning.',
    steps: [
      { do: 'accept' },
      { do: 'note', by: 'owner', text: 'Visited 08:15: mobile with frame, pendant alarm in place.' },
      { do: 'complete', outcome: 'admission-avoided', comment: 'Stayed at home; GP informed.' },
    ],
  },
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'urgent',
    reason: 'Husband (main carer) admitted to hospital overnight; she cannot wash or dress alone.',
    steps: [{ do: 'accept' }, { do: 'complete', outcome: 'care-package-started', comment: 'Two calls a day started this morning.' }],
  },
  {
    from: 'meht',
    to: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Ready for discharge; home care needs reviewing before going home.',
    steps: [{ do: 'accept' }, { do: 'complete', outcome: 'discharged-home', comment: 'Went home with the package restarted.' }],
  },
  {
    from: 'ageuk-essex',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    reason: 'Chest infection suspected by the family; asks for a nurse visit rather than a trip to A&E.',
    steps: [{ do: 'accept' }, { do: 'complete', outcome: 'admission-avoided', comment: 'Antibiotics started at home via the GP.' }],
  },
  {
    from: 'ecc',
    to: 'ageuk-essex',
    serviceArea: 'joint-referral',
    priority: 'routine',
    reason: 'Asks for help sorting out post and bills after a stroke.',
    steps: [{ do: 'accept' }, { do: 'complete', outcome: 'no-further-action', comment: 'Son has taken over the paperwork.' }],
  },
  // Cancelled by the sender.
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'rapid-response',
    priority: 'soon',
    reason: 'Carer breakdown; needs a short-term care package.',
    steps: [{ do: 'cancel', reasonCode: 'person-admitted', comment: 'Admitted to MEHT this morning.' }],
  },
  {
    from: 'meht',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Asks for a falls clinic follow-up at home.',
    steps: [{ do: 'cancel', reasonCode: 'no-longer-required', comment: 'Seen in outpatients instead.' }],
  },
  {
    from: 'ageuk-essex',
    to: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'urgent',
    reason: 'Heating broken and the person is very cold; asks for emergency support.',
    steps: [
      { do: 'accept' },
      { do: 'cancel', reasonCode: 'entered-in-error', comment: 'Sent to the wrong team; re-referred to the housing officer.' },
    ],
  },
  // Handed from one organisation to another.
  {
    from: 'ecc',
    to: 'provide',
    serviceArea: 'joint-referral',
    priority: 'soon',
    reason: 'Needs a joint review of nursing and social care needs after a second stroke.',
    steps: [
      { do: 'accept' },
      {
        do: 'offer',
        toOrg: 'ageuk-essex',
        reason: 'Nursing needs settled; ongoing support is befriending and a carers’ group for the husband.',
      },
    ],
  },
  {
    from: 'meht',
    to: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reason: 'Repeated admissions with low blood sugar; social care to review meal support.',
    steps: [
      { do: 'accept' },
      { do: 'offer', toOrg: 'provide', reason: 'The meals are in place; what is left is diabetic monitoring, which nursing leads on.' },
    ],
  },
  {
    from: 'provide',
    to: 'ecc',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    reason: 'Night-time wandering; family exhausted. Needs an urgent night sitting service.',
    steps: [
      { do: 'accept', comment: 'Night sitter tonight.' },
      { do: 'offer', toOrg: 'provide', reason: 'Night sitting in place; the leg wound now needs daily nursing, so Provide leads.' },
      { do: 'accept-handoff', comment: 'District nurse daily from tomorrow.' },
      { do: 'note', by: 'owner', text: 'First nursing visit done; wound measured and photographed.' },
    ],
  },
  {
    from: 'ageuk-essex',
    to: 'provide',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    reason: 'Lonely and low in mood; asks for a nurse check of medication.',
    steps: [
      { do: 'accept' },
      { do: 'offer', toOrg: 'ecc', reason: 'Medication reviewed; a care needs assessment would help more now.' },
      { do: 'decline-handoff', reasonCode: 'no-capacity', comment: 'Assessment waiting list is six weeks; please keep it meanwhile.' },
    ],
  },
  {
    from: 'ecc',
    to: 'meht',
    serviceArea: 'joint-referral',
    priority: 'routine',
    reason: 'Hospital outpatient follow-up and transport after a hip replacement.',
    steps: [
      { do: 'accept' },
      { do: 'offer', toOrg: 'ageuk-essex', reason: 'Transport to the clinic could be done by Age UK volunteers.' },
      { do: 'withdraw-handoff', comment: 'Hospital transport has agreed to take it after all.' },
    ],
  },
];

/** What a seeding did. */
export interface DemoSummary {
  /** True when an earlier run's demo data was found and nothing was added. */
  readonly skipped: boolean;
  readonly referrals: number;
  /** Referrals by the status they were left in. */
  readonly byStatus: Readonly<Record<ReferralStatus, number>>;
  /** Steps along the way that no final status shows. */
  readonly along: { readonly infoRequested: number; readonly infoProvided: number; readonly redirected: number };
  /** Handoffs by the status they were left in. */
  readonly handoffs: Readonly<Record<HandoffStatus, number>>;
  readonly notes: number;
  readonly subscriptions: number;
  /** The urgent referral left awaiting triage: it breaches its target first. */
  readonly overdueCandidate?: { readonly id: string; readonly dueAt: string } | undefined;
  readonly users: readonly DemoUser[];
  readonly durationMs: number;
}

/** A response: status and parsed JSON body (`undefined` when there is none, or it is not JSON). */
interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** What the seed reads of the API's answers (the contract has more). */
interface ReferralAnswer {
  readonly id: string;
  readonly status: ReferralStatus;
  readonly dueAt: string;
}
interface SubscriptionAnswer {
  readonly status: string;
  readonly channel: { readonly type: string };
  readonly eventTypes: readonly string[];
}

const parsed = (text: string): unknown => {
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Referrals played at once. The seed is bound by DynamoDB Local's CPU, not by waiting: from 2 to 8
 * at once it took 4–11 s on two busy cores either way, so a modest number that leaves room for the
 * event path (fan-out, metrics) running beside it.
 */
const CONCURRENCY = 4;
/** How often a request answered 503 (nothing applied; the API says try again) is tried again. */
const MAX_TRIES = 4;

/** A small client of the API for the demo users: tokens per user, JSON, retries of what is safe to retry. */
const demoClient = (baseUrl: string) => {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (user: DemoUser): Promise<string> => {
    let token = tokens.get(user.sub);
    if (!token) {
      token = fetch(`${baseUrl}/_local/token`, {
        method: 'POST',
        body: JSON.stringify({ sub: user.sub, org: user.org, roles: user.roles, name: user.name, email: user.email }),
      }).then(async (response) => {
        if (response.status !== 200) throw new Error(`POST /_local/token for ${user.sub}: ${response.status}`);
        return ((await response.json()) as { token: string }).token;
      });
      tokens.set(user.sub, token);
    }
    return token;
  };

  const call = async (user: DemoUser, method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<Reply> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${await tokenOf(user)}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      } catch (error) {
        // A lost connection may have lost an applied write: only reads and keyed writes are safe to send again.
        if (attempt >= MAX_TRIES || (method !== 'GET' && !idempotencyKey)) throw error;
        await sleep(250 * attempt);
        continue;
      }
      const text = await response.text();
      if (response.status === 503 && attempt < MAX_TRIES) {
        await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
        continue;
      }
      return { status: response.status, body: parsed(text) };
    }
  };

  /** A call that must answer `status`; the error names the problem's title and detail, never the body sent. */
  const must = async <T = unknown>(
    status: number,
    user: DemoUser,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<T> => {
    const reply = await call(user, method, path, body, idempotencyKey);
    if (reply.status !== status) {
      const problem = (reply.body ?? {}) as { title?: string; detail?: string };
      throw new Error(
        `Demo seed: ${method} ${path} as ${user.sub} answered ${reply.status}, not ${status} (${problem.title ?? ''}: ${problem.detail ?? ''})`,
      );
    }
    return reply.body as T;
  };

  return { call, must };
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, at most `limit` at once, in list order of starting. */
const inPool = async <T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/** Whether pm.jo already holds the demo's inbox subscription (an earlier run seeded this table). */
const alreadySeeded = async (client: ReturnType<typeof demoClient>): Promise<boolean> => {
  const page = await client.must<{ items: SubscriptionAnswer[] }>(200, PROGRAMME_MANAGER, 'GET', '/subscriptions?limit=100');
  return page.items.some((s) => s.status === 'active' && s.channel.type === 'inbox' && s.eventTypes.includes('referral.overdue'));
};

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/**
 * Seeds the demo morning into the runtime at `baseUrl` through its public API, and says what
 * it did. If pm.jo's demo subscription is already there (a second `--seed demo` on persisted
 * data), it adds nothing and says so: a second morning would double every box and alert.
 * `log` hears a few progress lines (ids, counts and codes: never a person's details).
 */
export const seedDemo = async (baseUrl: string, log: (line: string) => void = () => {}): Promise<DemoSummary> => {
  const started = Date.now();
  const client = demoClient(baseUrl);
  const byStatus = zeroes(REFERRAL_STATUSES);
  const handoffs = zeroes(HANDOFF_STATUSES);
  const along = { infoRequested: 0, infoProvided: 0, redirected: 0 };
  let notes = 0;
  let subscriptions = 0;
  let overdueCandidate: DemoSummary['overdueCandidate'];
  const summary = (skipped: boolean): DemoSummary => ({
    skipped,
    referrals: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    along,
    handoffs,
    notes,
    subscriptions,
    overdueCandidate,
    users: DEMO_USERS,
    durationMs: Date.now() - started,
  });

  if (await alreadySeeded(client)) {
    log('Demo seed: pm.jo already has the demo subscriptions, so this table holds a demo morning from an earlier run: nothing added.');
    return summary(true);
  }

  // Keys unique to this run: a request retried within the run is applied once; a later run
  // (after a partial one, say) is a new morning, not a replay of old answers.
  const run = randomUUID().slice(0, 8);
  const key = (what: string) => `jointly-demo-${run}-${what}`;

  // Subscriptions first, so the morning's events reach them.
  const subscribe = async (user: DemoUser, name: string, body: unknown) => {
    await client.must(201, user, 'POST', '/subscriptions', body, key(`subscription-${name}`));
    subscriptions++;
  };
  await Promise.all([
    subscribe(PROGRAMME_MANAGER, 'pm-inbox', { eventTypes: ['handoff.*', 'referral.overdue'], channel: { type: 'inbox' } }),
    subscribe(PROGRAMME_MANAGER, 'pm-digest', {
      eventTypes: ['referral.*', 'handoff.*'],
      channel: { type: 'email', address: PROGRAMME_MANAGER.email },
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: 'Europe/London' },
    }),
    subscribe(PRACTITIONER.ecc, 'ecc-inbox', {
      eventTypes: ['referral.submitted', 'referral.info_provided', 'referral.redirected', 'referral.overdue', 'handoff.offered'],
      channel: { type: 'inbox' },
    }),
  ]);
  log(`Demo seed: ${subscriptions} subscriptions (pm.jo: handoffs and overdues to the inbox, a daily e-mail digest; sw.alex: ECC's inbox)`);

  const play = async (referral: DemoReferral, index: number) => {
    const person = DEMO_PEOPLE[index]!;
    const number = String(index + 1).padStart(2, '0');
    const created = await client.must<ReferralAnswer>(
      201,
      PRACTITIONER[referral.from],
      'POST',
      '/referrals',
      {
        toOrg: referral.to,
        toTeam: TEAM[referral.to],
        fromTeam: TEAM[referral.from],
        serviceArea: referral.serviceArea,
        priority: referral.priority,
        subject: person,
        reason: referral.reason,
      },
      key(`referral-${number}`),
    );
    const id: string = created.id;
    let status: ReferralStatus = created.status;
    let toOrg: OrgId = referral.to;
    let ownerOrg: OrgId = referral.from;
    let handoff: { id: string; from: OrgId; to: OrgId } | undefined;
    const sideOrg = (side: Side): OrgId => (side === 'sender' ? referral.from : side === 'receiver' ? toOrg : ownerOrg);
    const act = async (side: Side, action: string, body?: unknown) => {
      status = (await client.must<ReferralAnswer>(200, PRACTITIONER[sideOrg(side)], 'POST', `/referrals/${id}/${action}`, body ?? {}))
        .status;
    };
    const answer = async (org: OrgId, action: string, body: unknown, outcome: HandoffStatus) => {
      await client.must(200, PRACTITIONER[org], 'POST', `/handoffs/${handoff!.id}/${action}`, body);
      handoffs[outcome]++;
      if (outcome === 'accepted') ownerOrg = handoff!.to;
      handoff = undefined;
    };

    for (const [n, step] of referral.steps.entries()) {
      switch (step.do) {
        case 'accept':
          await act('receiver', 'accept', step.comment ? { comment: step.comment } : {});
          ownerOrg = toOrg;
          break;
        case 'decline':
          await act('receiver', 'decline', { reasonCode: step.reasonCode, comment: step.comment });
          break;
        case 'redirect':
          await act('receiver', 'redirect', { toOrg: step.toOrg, toTeam: TEAM[step.toOrg], comment: step.comment });
          toOrg = step.toOrg;
          along.redirected++;
          break;
        case 'request-info':
          await act('receiver', 'request-info', { comment: step.comment });
          along.infoRequested++;
          break;
        case 'provide-info':
          await act('sender', 'provide-info', { comment: step.comment });
          along.infoProvided++;
          break;
        case 'complete':
          await act('owner', 'complete', { outcome: step.outcome, ...(step.comment ? { comment: step.comment } : {}) });
          break;
        case 'cancel':
          await act('sender', 'cancel', { reasonCode: step.reasonCode, ...(step.comment ? { comment: step.comment } : {}) });
          break;
        case 'note':
          await client.must(
            201,
            PRACTITIONER[sideOrg(step.by)],
            'POST',
            `/referrals/${id}/notes`,
            { text: step.text },
            key(`note-${number}-${n}`),
          );
          notes++;
          break;
        case 'offer': {
          const offered = await client.must<{ id: string }>(
            201,
            PRACTITIONER[ownerOrg],
            'POST',
            `/referrals/${id}/handoffs`,
            { toOrg: step.toOrg, toTeam: TEAM[step.toOrg], reason: step.reason },
            key(`handoff-${number}`),
          );
          handoff = { id: offered.id, from: ownerOrg, to: step.toOrg };
          break;
        }
        case 'accept-handoff':
          await answer(handoff!.to, 'accept', step.comment ? { comment: step.comment } : {}, 'accepted');
          break;
        case 'decline-handoff':
          await answer(
            handoff!.to,
            'decline',
            { reasonCode: step.reasonCode, ...(step.comment ? { comment: step.comment } : {}) },
            'declined',
          );
          break;
        case 'withdraw-handoff':
          await answer(handoff!.from, 'withdraw', step.comment ? { comment: step.comment } : {}, 'withdrawn');
          break;
      }
    }
    if (handoff) handoffs.offered++;
    byStatus[status]++;
    if (index === 0) overdueCandidate = { id, dueAt: created.dueAt };
  };

  // The urgent referral that will breach goes first, on its own: it is the oldest in ECC's queue.
  const [first, ...rest] = MORNING;
  await play(first!, 0);
  log(
    `Demo seed: urgent referral ${overdueCandidate!.id} (${first!.from} → ${first!.to}, ${first!.serviceArea}) awaits triage, due ${overdueCandidate!.dueAt}`,
  );
  await inPool(rest, CONCURRENCY, (referral, i) => play(referral, i + 1));
  return summary(false);
};

/** Lines naming the demo users and how to sign in as one, for `npm start` to print. */
export const demoUserLines = (baseUrl: string): string[] => [
  'Demo users (sign in: POST /_local/token with their sub, org and roles):',
  ...DEMO_USERS.map((user) => `  ${user.sub.padEnd(16)} ${user.org.padEnd(12)} ${user.roles.join(',').padEnd(18)} ${user.usedFor}`),
  `  e.g. curl -s -X POST ${baseUrl}/_local/token -d '{"sub":"sw.alex","org":"ecc","roles":["practitioner"]}'`,
];

const STATUS_WORDS: Readonly<Record<ReferralStatus, string>> = {
  submitted: 'awaiting triage',
  info_requested: 'awaiting information',
  accepted: 'accepted',
  declined: 'declined',
  cancelled: 'cancelled',
  completed: 'completed',
};

/** One line saying what a seeding did (counts only). */
export const describeDemoSummary = (summary: DemoSummary): string => {
  if (summary.skipped) return 'nothing added: this table already holds a demo morning (pm.jo has its subscriptions)';
  const statuses = REFERRAL_STATUSES.map((status) => `${summary.byStatus[status]} ${STATUS_WORDS[status]}`).join(', ');
  const handoffs = HANDOFF_STATUSES.map((status) => `${summary.handoffs[status]} ${status === 'offered' ? 'open' : status}`).join(', ');
  const { infoRequested, infoProvided, redirected } = summary.along;
  return (
    `${summary.referrals} referrals (${statuses}; along the way ${infoRequested} asked for information, ${infoProvided} answered, ` +
    `${redirected} redirected), ${summary.handoffs.offered + summary.handoffs.accepted + summary.handoffs.declined + summary.handoffs.withdrawn} handoffs (${handoffs}), ` +
    `${summary.notes} case notes, ${summary.subscriptions} subscriptions, in ${(summary.durationMs / 1000).toFixed(1)} s`
  );
};
