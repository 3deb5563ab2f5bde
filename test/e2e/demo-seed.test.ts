/**
 * `npm start -- --seed demo` as someone trying Jointly meets it: the demo morning seeded
 * into a running runtime through its public API, then read back through the same API as the
 * demo users would — every organisation, service area, priority and state, handoffs in each
 * answer, the programme manager's subscriptions and alerts, the urgent referral that turns
 * overdue — with no person's details in anything the seed prints or alerts carry. Then the
 * entry point itself, once, with `--seed demo`, and its refusal of any other seed.
 *
 * The runtime here shortens the urgent target to 12 s (the demo's own one minute would make
 * the file wait a minute for the breach) and sweeps every second.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PEOPLE, DEMO_USERS, type DemoSummary, demoUserLines, describeDemoSummary, seedDemo } from '#infra/local/demo-seed.ts';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import { PRIORITIES, REFERRAL_STATUSES, SERVICE_AREAS } from '#shared/core/reference-data.ts';
import { isValidNhsNumber } from '#shared/referrals/domain/nhs-number.ts';
import { handoffApi, type HandoffApi, type Who } from '#test/support/handoff-api.ts';
import { REPO_ROOT, startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let mailDir: string;
let summary: DemoSummary;
const seedLog: string[] = [];
/** What these tests read of a listed referral. */
interface ListedReferral {
  id: string;
  fromOrg: string;
  toOrg: string;
  serviceArea: string;
  priority: string;
  status: string;
  dueAt: string;
  reasonCode?: string;
  outcome?: string;
}
/** What these tests read of an alert. */
interface Alert {
  type: string;
  referralId: string;
  summary: string;
}
/** Every referral of the morning, as the programme manager lists them (every org's inbox). */
let referrals: ListedReferral[];

const whoIs = (sub: string): Who => {
  const user = DEMO_USERS.find((u) => u.sub === sub)!;
  return { sub: user.sub, org: user.org, roles: [...user.roles] };
};
const PM = whoIs('pm.jo');
const ECC = whoIs('sw.alex');

/** Anything that could identify a seeded person: numbers and names. */
const PERSONAL = DEMO_PEOPLE.flatMap((person) => [person.nhsNumber, person.name]);
const expectNoPersonalData = (text: string) => {
  for (const value of PERSONAL) expect(text).not.toContain(value);
};

beforeAll(async () => {
  mailDir = mkdtempSync(join(tmpdir(), 'jointly-e2e-demo-mail-'));
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: 0.2 }),
    JOINTLY_SLA_SWEEP_SECONDS: '1',
    JOINTLY_LOCAL_MAIL_DIR: mailDir,
  });
  api = handoffApi(runtime.url);
  summary = await seedDemo(runtime.url, (line) => seedLog.push(line));
  referrals = (await api.allPages(PM, '/referrals?box=inbox&limit=100')).items;
});

afterAll(async () => {
  await runtime?.stop();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

describe('seedDemo fills the runtime with a believable morning', () => {
  // How long seeding takes is measured by `npm run bench`, not asserted here: a busy CI machine is not a benchmark.
  it('says what it made: 36 referrals, 7 handoffs, 6 notes, 3 subscriptions, and how long it took', () => {
    // Prepare
    const counted = Object.values(summary.byStatus).reduce((a, b) => a + b, 0);

    // Act
    const line = describeDemoSummary(summary);

    // Assess
    expect(summary.skipped).toBe(false);
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(line).toContain(`${(summary.durationMs / 1000).toFixed(1)} s`);
    expect(summary.referrals).toBe(36);
    expect(counted).toBe(36);
    expect(summary.handoffs).toEqual({ offered: 3, accepted: 2, declined: 1, withdrawn: 1 });
    expect(summary.notes).toBe(6);
    expect(summary.subscriptions).toBe(3);
    expect(summary.users.map((u) => u.sub)).toEqual(['nurse.sam', 'sw.alex', 'discharge.kim', 'coordinator.ria', 'pm.jo', 'ig.lee']);
    expect(line).toMatch(/^36 referrals \(9 awaiting triage, .*7 handoffs \(3 open, 2 accepted, 1 declined, 1 withdrawn\)/);
  });

  it('every organisation sends and receives, in every service area and priority', () => {
    // Prepare
    const orgs = ORGANISATIONS.map((org) => org.id).sort();

    // Act
    const senders = new Set(referrals.map((r) => r.fromOrg));
    const receivers = new Set(referrals.map((r) => r.toOrg));
    const areas = new Set(referrals.map((r) => r.serviceArea));
    const priorities = new Set(referrals.map((r) => r.priority));

    // Assess
    expect(referrals).toHaveLength(36);
    expect([...senders].sort()).toEqual(orgs);
    expect([...receivers].sort()).toEqual(orgs);
    expect([...areas].sort()).toEqual([...SERVICE_AREAS].sort());
    expect([...priorities].sort()).toEqual([...PRIORITIES].sort());
  });

  it('every state occurs: awaiting triage, info requested, accepted, declined and cancelled with reason codes, completed with outcomes', () => {
    // Prepare
    const byStatus = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, referrals.filter((r) => r.status === s)]));

    // Act
    const counts = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, byStatus[s]!.length]));

    // Assess
    expect(counts).toEqual(summary.byStatus);
    for (const status of REFERRAL_STATUSES) expect(counts[status], status).toBeGreaterThan(0);
    expect(new Set(byStatus.declined!.map((r) => r.reasonCode)).size).toBe(byStatus.declined!.length);
    expect(byStatus.cancelled!.every((r) => typeof r.reasonCode === 'string')).toBe(true);
    expect(new Set(byStatus.completed!.map((r) => r.outcome))).toEqual(
      new Set(['admission-avoided', 'care-package-started', 'discharged-home', 'no-further-action']),
    );
  });

  it('the histories show information given, redirects and case notes along the way', async () => {
    // Prepare
    const histories = await Promise.all(referrals.map((r) => api.allPages(PM, `/referrals/${r.id}/history?limit=100`)));

    // Act
    const count = (type: string) => histories.filter((h) => h.items.some((e: { type: string }) => e.type === type)).length;

    // Assess
    expect(count('referral.info_requested')).toBe(summary.along.infoRequested);
    expect(count('referral.info_provided')).toBe(summary.along.infoProvided);
    expect(count('referral.redirected')).toBe(summary.along.redirected);
    expect(summary.along).toEqual({ infoRequested: 6, infoProvided: 3, redirected: 3 });
    expect(count('note.added')).toBe(summary.notes);
  });

  it('handoffs: some open, some accepted, one declined, one withdrawn', async () => {
    // Prepare
    const path = '/handoffs?box=inbox&limit=100';

    // Act
    const { items } = await api.allPages(PM, path);

    // Assess
    const counts: Record<string, number> = { offered: 0, accepted: 0, declined: 0, withdrawn: 0 };
    for (const handoff of items) counts[handoff.status] = (counts[handoff.status] ?? 0) + 1;
    expect(counts).toEqual(summary.handoffs);
    expect(counts.offered).toBeGreaterThanOrEqual(2);
    expect(counts.accepted).toBeGreaterThanOrEqual(2);
  });

  it('the programme manager has a programme-wide inbox subscription and a daily e-mail digest; ECC’s practitioner one for ECC', async () => {
    // Prepare
    const mine = (who: Who) => api.allPages(who, '/subscriptions?limit=100');

    // Act
    const [pm, ecc] = await Promise.all([mine(PM), mine(ECC)]);

    // Assess
    const inbox = pm.items.find((s) => s.channel.type === 'inbox');
    const digest = pm.items.find((s) => s.channel.type === 'email');
    expect(pm.items).toHaveLength(2);
    expect(inbox).toMatchObject({ status: 'active', filters: {} });
    expect(inbox.eventTypes.sort()).toEqual(['handoff.*', 'referral.overdue']);
    expect(inbox.filters).not.toHaveProperty('orgs');
    expect(digest).toMatchObject({
      status: 'active',
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: 'Europe/London' },
    });
    expect(digest.channel.address).toMatch(/@essex\.gov\.uk$/);
    expect(ecc.items).toHaveLength(1);
    expect(ecc.items[0]).toMatchObject({ status: 'active', filters: { orgs: ['ecc'] }, channel: { type: 'inbox' } });
  });

  it('the programme manager’s inbox hears every handoff: offered, accepted, declined, withdrawn', async () => {
    // Prepare
    const wanted = ['handoff.accepted', 'handoff.declined', 'handoff.offered', 'handoff.withdrawn'];
    const typesOf = (alerts: Alert[]) =>
      [...new Set(alerts.map((a) => a.type).filter((t: string) => t.startsWith('handoff.') && t !== 'handoff.overdue'))].sort();

    // Act
    const alerts = await pollUntil(
      async () => (await api.allPages(PM, '/alerts?limit=100')).items,
      (items) => items.filter((a) => a.type === 'handoff.offered').length === 7 && typesOf(items).length === wanted.length,
    );

    // Assess
    expect(typesOf(alerts)).toEqual(wanted);
    expect(alerts.filter((a) => a.type === 'handoff.offered')).toHaveLength(7);
  });

  it('the urgent referral left awaiting triage turns overdue, and the programme manager hears of it', async () => {
    // Prepare
    const candidate = summary.overdueCandidate!;

    // Act
    const alerts = await pollUntil(
      async () => (await api.allPages(PM, '/alerts?limit=100')).items,
      (items) => items.some((a) => a.type === 'referral.overdue' && a.referralId === candidate.id),
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    // Assess
    const overdue = alerts.find((a) => a.type === 'referral.overdue' && a.referralId === candidate.id);
    expect(overdue?.summary).toBe('Referral from provide to ecc is past its response target (rapid-response, urgent)');
    expect(referrals.find((r) => r.id === candidate.id)).toMatchObject({ status: 'submitted', priority: 'urgent', dueAt: candidate.dueAt });
  }, 45_000);

  it('no NHS number or name is in what the seed printed or returned, nor in any alert or e-mail', async () => {
    // Prepare
    const alerts = (await api.allPages(PM, '/alerts?limit=100')).items;
    const eccAlerts = (await api.allPages(ECC, '/alerts?limit=100')).items;
    const mails = readdirSync(mailDir).map((file) => readFileSync(join(mailDir, file), 'utf8'));

    // Act
    const printed = [...seedLog, describeDemoSummary(summary), ...demoUserLines(runtime.url), JSON.stringify(summary)].join('\n');

    // Assess
    expect(eccAlerts.length).toBeGreaterThan(0);
    expectNoPersonalData(printed);
    expectNoPersonalData(JSON.stringify(alerts));
    expectNoPersonalData(JSON.stringify(eccAlerts));
    for (const mail of mails) expectNoPersonalData(mail);
  });

  it('the people are invented: distinct, with valid NHS numbers from the never-issued 999 range', () => {
    // Prepare
    const numbers = DEMO_PEOPLE.map((p) => p.nhsNumber);

    // Act
    const valid = numbers.filter(isValidNhsNumber);

    // Assess
    expect(valid).toEqual(numbers);
    expect(numbers.every((n) => n.startsWith('999'))).toBe(true);
    expect(new Set(numbers).size).toBe(36);
    expect(new Set(DEMO_PEOPLE.map((p) => p.name)).size).toBe(36);
  });

  it('seeding again finds the demo morning there and adds nothing', async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const again = await seedDemo(runtime.url, (line) => lines.push(line));
    const after = (await api.allPages(PM, '/referrals?box=inbox&limit=100')).items;

    // Assess
    expect(again.skipped).toBe(true);
    expect(again.referrals).toBe(0);
    expect(after).toHaveLength(36);
    expect(lines.join('\n')).toContain('nothing added');
  });
});

/** `node infra/local/main.ts <args>` as `npm start -- <args>` runs it, with its output collected. */
const startMain = (args: string[], env: NodeJS.ProcessEnv) => {
  const child: ChildProcess = spawn(process.execPath, ['infra/local/main.ts', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, output: () => chunks.join('') };
};

describe('npm start -- --seed demo', () => {
  it('seeds once ready, prints the demo users and the morning, and stops on SIGTERM', async () => {
    // Prepare: the user's own environment has no targets, so the demo sets its one-minute urgent target.
    const tableName = `e2e-${ulid().toLowerCase()}`;
    const endpoint = inject('dynamodbEndpoint');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      DYNAMODB_ENDPOINT: endpoint,
      JOINTLY_TABLE_NAME: tableName,
      JOINTLY_LOCAL_MAIL_DIR: mailDir,
    };
    delete env.JOINTLY_PRIORITY_TARGET_MINUTES;
    const main = startMain(['--seed', 'demo'], env);

    // Act
    const seeded = await pollUntil(
      () => main.output(),
      (output) => /Seeded the demo morning: .*\n/.test(output) || main.child.exitCode !== null,
      { timeoutMs: 50_000, intervalMs: 100 },
    );
    main.child.kill('SIGTERM');
    const code = await main.exited;

    // Assess
    try {
      expect(seeded).toMatch(/Jointly local API ready at http:\/\/127\.0\.0\.1:\d+/);
      expect(seeded).toContain('this runtime uses {"urgent":1}');
      expect(seeded).toMatch(/Seeded the demo morning: 36 referrals .*7 handoffs/);
      for (const user of DEMO_USERS) expect(seeded).toMatch(new RegExp(`^  ${user.sub.replace('.', '\\.')} +${user.org} `, 'm'));
      expect(seeded.indexOf('ready at')).toBeLessThan(seeded.indexOf('Seeded the demo morning'));
      expectNoPersonalData(main.output());
      expect(code).toBe(0);
    } finally {
      const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
    }
  }, 60_000);

  it.each([
    ['another seed', ['--seed', 'tomorrow'], '"tomorrow"'],
    ['no value', ['--seed'], '""'],
  ])('--seed with %s exits 2 saying demo is the one seed, before starting anything', async (_what, args, named) => {
    // Prepare
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') };

    // Act
    const main = startMain(args, env);
    const code = await main.exited;

    // Assess
    expect(code).toBe(2);
    expect(main.output()).toContain(`--seed takes one value, demo`);
    expect(main.output()).toContain(named);
    expect(main.output()).not.toContain('ready at');
  });
});
