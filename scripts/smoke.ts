/**
 * `npm run smoke -- --base URL`: the check ops run after every deploy (docs/operations-deploy-checks.md).
 *
 * Over the public API only, it walks one synthetic referral through the whole event path:
 * subscribes a programme manager (inbox + webhook), refers from one organisation to another,
 * the receiver accepts and hands the referral back, the sender accepts the handoff; then
 * waits for the inbox alert, the signed webhook delivery and the programme metrics to move,
 * and cleans up (cancels the referral as entered in error, acknowledges its alerts, deletes
 * the subscriptions). One line per step, PASS/FAIL with timing; exit code 1 on any failure.
 *
 *   npm run smoke -- --base http://127.0.0.1:3000                 (local runtime: mints tokens)
 *   npm run smoke -- --base https://api.dev.jointly.essex-ics.nhs.uk \
 *     --token-provide "$SENDER" --token-ecc "$RECEIVER" --token-pm "$PM" \
 *     --webhook-url https://smoke-receiver.ops.example/hook --webhook-secret "$SECRET"
 *
 * Tokens may also come from SMOKE_TOKEN_PROVIDE, SMOKE_TOKEN_ECC, SMOKE_TOKEN_PM (and
 * SMOKE_WEBHOOK_URL, SMOKE_WEBHOOK_SECRET). The sending and receiving organisations are the
 * `custom:org` claims of the two practitioner tokens. No personal data: the subject is a
 * synthetic NHS number from the reserved test range 999 000 0000–999 999 9999 named "Smoke Test".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseSmokeArgs, SmokeUsageError, type SmokeOptions } from './smoke/args.ts';
import { consolePageProblems, signatureValid, startReceiver, syntheticNhsNumber } from './smoke/checks.ts';

/** One step's result. */
export interface StepResult {
  readonly name: string;
  readonly status: 'PASS' | 'FAIL' | 'SKIP';
  readonly ms: number;
  readonly detail?: string;
}

/** The outcome of a run. */
export interface SmokeResult {
  readonly ok: boolean;
  readonly steps: readonly StepResult[];
}

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly body: any;
}

/** The `custom:org` claim of a JWT (read, not verified: the API verifies it). */
const orgOfToken = (token: string): string | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof payload['custom:org'] === 'string' ? payload['custom:org'] : undefined;
  } catch {
    return undefined;
  }
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `probe` every second until it returns a value, or fails with `what` after the deadline. */
const waitFor = async <T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds} s`);
    await sleep(1000);
  }
};

/**
 * Runs the smoke test; `print` receives one line per step. Never throws for a failed step:
 * the result says what passed. Cleans up whatever it created, even after a failure.
 */
export const runSmoke = async (options: SmokeOptions, print: (line: string) => void = console.log): Promise<SmokeResult> => {
  const steps: StepResult[] = [];
  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  let failed = false;

  const request = async (token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> => {
    const headers: Record<string, string> = { 'X-Correlation-Id': `smoke-${randomUUID()}` };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST') headers['Idempotency-Key'] = randomUUID();
    const response = await fetch(`${options.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, text, body: parsed };
  };
  const expectStatus = (reply: Reply, status: number, what: string): any => {
    if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text.slice(0, 300)}`);
    return reply.body;
  };

  const record = (result: StepResult) => {
    steps.push(result);
    const detail = result.detail ? `  ${result.detail}` : '';
    print(`${result.status}  ${result.name.padEnd(44)} ${String(result.ms).padStart(6)} ms${detail}`);
  };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (failed) {
      record({ name, status: 'SKIP', ms: 0 });
      return undefined;
    }
    const started = Date.now();
    try {
      const value = await run();
      record({ name, status: 'PASS', ms: Date.now() - started });
      return value;
    } catch (error) {
      failed = true;
      record({ name, status: 'FAIL', ms: Date.now() - started, detail: (error as Error).message });
      return undefined;
    }
  };

  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  try {
    await step('API answers GET /health', async () => expectStatus(await request(undefined, 'GET', '/health'), 200, 'GET /health'));
    await step('console served on the same origin under its CSP', async () => {
      const page = await fetch(`${options.base}/console/`);
      await page.body?.cancel();
      const problems = consolePageProblems(page.status, page.headers);
      if (problems.length > 0) throw new Error(`GET /console/: ${problems.join('; ')}`);
      const config = await fetch(`${options.base}/console/config.json`);
      const auth = ((await config.json()) as { auth?: { kind?: string } }).auth?.kind;
      if (auth !== 'local' && auth !== 'cognito') throw new Error(`GET /console/config.json: no sign-in kind (${config.status})`);
      return auth;
    });

    const tokens = await step('tokens for sender, receiver and programme manager', async () => {
      const given = options.tokens;
      if (given.provide && given.ecc && given.pm) return { sender: given.provide, receiver: given.ecc, pm: given.pm };
      // Only the local runtime mints tokens; a deployed API answers 404 here.
      const mint = async (sub: string, org: string, roles: string[]) => {
        const reply = await request(undefined, 'POST', '/_local/token', { sub, org, roles });
        if (reply.status === 404)
          throw new Error('this API mints no tokens: pass --token-provide, --token-ecc and --token-pm (or SMOKE_TOKEN_*)');
        return expectStatus(reply, 200, 'POST /_local/token').token as string;
      };
      return {
        sender: await mint('smoke-sender', options.fromOrg, ['practitioner']),
        receiver: await mint('smoke-receiver', options.toOrg, ['practitioner']),
        pm: await mint('smoke-programme-manager', options.toOrg, ['programme_manager']),
      };
    });
    const fromOrg = tokens ? (orgOfToken(tokens.sender) ?? options.fromOrg) : options.fromOrg;
    const toOrg = tokens ? (orgOfToken(tokens.receiver) ?? options.toOrg) : options.toOrg;

    const hook = await step('webhook receiver ready', async () => {
      if (options.webhookUrl) return { url: options.webhookUrl, secret: options.webhookSecret!, local: undefined };
      receiver = await startReceiver();
      return { url: receiver.url, secret: options.webhookSecret ?? randomBytes(24).toString('hex'), local: receiver };
    });

    const before = await step(
      'programme metrics read (before)',
      async () => expectStatus(await request(tokens!.pm, 'GET', '/metrics/summary'), 200, 'GET /metrics/summary').total,
    );

    const subscribe = async (channel: unknown) => {
      const body = { eventTypes: ['handoff.*'], filters: { orgs: [fromOrg, toOrg] }, channel };
      const created = expectStatus(await request(tokens!.pm, 'POST', '/subscriptions', body), 201, 'POST /subscriptions');
      cleanups.push({
        name: `delete subscription ${created.id}`,
        run: async () =>
          void expectStatus(await request(tokens!.pm, 'DELETE', `/subscriptions/${created.id}`), 204, 'DELETE /subscriptions'),
      });
      return created.id as string;
    };
    await step('programme manager subscribes (inbox)', () => subscribe({ type: 'inbox' }));
    const webhookSubscription = await step('programme manager subscribes (webhook)', () =>
      subscribe({ type: 'webhook', url: hook!.url, secret: hook!.secret }),
    );

    const referralId = await step(`${fromOrg} refers a synthetic person to ${toOrg}`, async () => {
      const body = {
        toOrg,
        serviceArea: 'joint-referral',
        priority: 'routine',
        subject: { nhsNumber: syntheticNhsNumber(), name: 'Smoke Test' },
        reason: 'Deploy smoke test: no real person; cancelled as entered in error when the test ends.',
      };
      const referral = expectStatus(await request(tokens!.sender, 'POST', '/referrals', body), 201, 'POST /referrals');
      cleanups.unshift({
        name: 'cancel the referral (entered in error)',
        run: async () =>
          void expectStatus(
            await request(tokens!.sender, 'POST', `/referrals/${referral.id}/cancel`, {
              reasonCode: 'entered-in-error',
              comment: 'Deploy smoke test.',
            }),
            200,
            'POST /referrals/{id}/cancel',
          ),
      });
      return referral.id as string;
    });
    await step(`${toOrg} accepts it`, async () =>
      expectStatus(await request(tokens!.receiver, 'POST', `/referrals/${referralId}/accept`, { comment: 'Smoke test.' }), 200, 'accept'),
    );
    const handoffId = await step(
      `${toOrg} offers ${fromOrg} a handoff`,
      async () =>
        expectStatus(
          await request(tokens!.receiver, 'POST', `/referrals/${referralId}/handoffs`, { toOrg: fromOrg, reason: 'Deploy smoke test.' }),
          201,
          'offer',
        ).id as string,
    );
    await step(`${fromOrg} accepts the handoff`, async () =>
      expectStatus(await request(tokens!.sender, 'POST', `/handoffs/${handoffId}/accept`, {}), 200, 'accept handoff'),
    );

    const wanted = ['handoff.offered', 'handoff.accepted'];
    const alerts = await step('inbox alerts arrive (handoff.offered, handoff.accepted)', () =>
      waitFor('both inbox alerts', options.waitSeconds, async () => {
        const list = expectStatus(await request(tokens!.pm, 'GET', '/alerts?unread=true&limit=100'), 200, 'GET /alerts');
        const mine = (list.items as { id: string; type: string; referralId: string }[]).filter((a) => a.referralId === referralId);
        return wanted.every((type) => mine.some((a) => a.type === type)) ? mine : undefined;
      }),
    );
    if (alerts) {
      cleanups.push({
        name: 'acknowledge the smoke alerts',
        run: async () => {
          for (const alert of alerts) expectStatus(await request(tokens!.pm, 'POST', `/alerts/${alert.id}/ack`, {}), 200, 'ack alert');
        },
      });
    }

    const eventIds = await step('referral history lists the handoff events', async () => {
      const history = expectStatus(await request(tokens!.pm, 'GET', `/referrals/${referralId}/history?limit=100`), 200, 'history');
      const ids = (history.items as { id: string; type: string }[]).filter((e) => wanted.includes(e.type)).map((e) => e.id);
      if (ids.length !== wanted.length) throw new Error(`expected ${wanted.length} handoff events, found ${ids.length}`);
      return ids;
    });

    if (hook?.local) {
      const local = hook.local;
      await step('signed webhooks reach the local receiver', () =>
        waitFor('both webhook posts', options.waitSeconds, async () => {
          const got = eventIds!.map((id) => local.requests.find((r) => r.headers['jointly-event-id'] === id));
          if (got.some((r) => r === undefined)) return undefined;
          for (const r of got) {
            const header = r!.headers['jointly-signature'];
            if (!signatureValid(hook.secret, r!.body, Array.isArray(header) ? header[0] : header))
              throw new Error('a webhook carried a bad signature');
          }
          return true;
        }),
      );
    }
    await step('webhook deliveries recorded as delivered', () =>
      waitFor('both webhook deliveries', options.waitSeconds, async () => {
        const list = expectStatus(
          await request(tokens!.pm, 'GET', `/subscriptions/${webhookSubscription}/deliveries?limit=100`),
          200,
          'deliveries',
        );
        const items = list.items as { eventId: string; outcome: string }[];
        return eventIds!.every((id) => items.some((d) => d.eventId === id && d.outcome === 'delivered')) ? true : undefined;
      }),
    );

    await step('programme metrics moved (referrals, handoffs accepted)', () =>
      waitFor('the metrics update', options.waitSeconds, async () => {
        const now = expectStatus(await request(tokens!.pm, 'GET', '/metrics/summary'), 200, 'GET /metrics/summary').total;
        return now.referrals > before.referrals && now.handoffs.accepted > before.handoffs.accepted ? true : undefined;
      }),
    );
  } finally {
    // Clean up even after a failure: nothing is skipped here.
    const wasFailed = failed;
    failed = false;
    for (const cleanup of cleanups) {
      await step(`cleanup: ${cleanup.name}`, cleanup.run);
      failed = false;
    }
    failed = wasFailed || steps.some((s) => s.status === 'FAIL');
    await receiver?.close();
  }
  return { ok: !failed, steps };
};

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  try {
    const result = await runSmoke(parseSmokeArgs(process.argv.slice(2)));
    console.log(result.ok ? 'SMOKE PASSED' : 'SMOKE FAILED');
    process.exitCode = result.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SmokeUsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
