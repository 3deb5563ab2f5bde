/**
 * The post-deploy smoke test (`npm run smoke`, scripts/smoke.ts) run exactly as ops run it,
 * as a child process, against the local runtime: so it cannot rot between deploys. It mints
 * its own tokens there, runs its own webhook receiver on 127.0.0.1 and checks signatures.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { syntheticNhsNumber } from '#scripts/smoke/checks.ts';
import { REPO_ROOT, startRuntimeProcess, tokenFor, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
});

afterAll(async () => {
  await runtime?.stop();
});

/** Runs `npm run smoke`'s entry point with `args`; resolves with its exit code and output. */
const runSmokeScript = (args: string[], timeoutMs = 240_000): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/smoke.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });

const stepLines = (stdout: string) => stdout.split('\n').filter((line) => /^(PASS|FAIL|SKIP) /.test(line));

describe('npm run smoke against the local runtime', () => {
  it('passes every step, one PASS line each with its timing, exits 0, and cleans up after itself', { timeout: 300_000 }, async () => {
    // Act
    const { code, stdout, stderr } = await runSmokeScript(['--base', runtime.url, '--wait-seconds', '120']);

    // Assess
    const lines = stepLines(stdout);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(16);
    for (const line of lines) expect(line).toMatch(/^PASS {2}.+\s\d+ ms$/);
    for (const step of [
      'inbox alerts arrive',
      'signed webhooks reach the local receiver',
      'webhook deliveries recorded as delivered',
      'programme metrics moved',
    ]) {
      expect(
        lines.some((line) => line.includes(step)),
        step,
      ).toBe(true);
    }
    expect(lines.filter((line) => line.includes('cleanup: ')).length).toBe(4);
    expect(stdout).toContain('SMOKE PASSED');
  });

  it('left the programme manager no subscriptions and the referral cancelled as entered in error', async () => {
    // Prepare
    const pm = await tokenFor(runtime.url, { sub: 'smoke-programme-manager', org: 'ecc', roles: ['programme_manager'] });
    const headers = { Authorization: `Bearer ${pm}` };

    // Act
    const subscriptions = (await (await fetch(`${runtime.url}/subscriptions`, { headers })).json()) as { items: unknown[] };
    const referrals = (await (await fetch(`${runtime.url}/referrals?org=provide&box=outbox&limit=100`, { headers })).json()) as {
      items: { status: string; outcome?: unknown; cancelReason?: string }[];
    };

    // Assess
    expect(subscriptions.items).toEqual([]);
    expect(referrals.items.length).toBeGreaterThanOrEqual(1);
    for (const referral of referrals.items) expect(referral.status).toBe('cancelled');
  });

  it('fails with a FAIL line and exit code 1 when the API is unreachable, creating nothing', { timeout: 60_000 }, async () => {
    // Act
    const { code, stdout } = await runSmokeScript(['--base', 'http://127.0.0.1:9', '--wait-seconds', '5']);

    // Assess
    expect(code).toBe(1);
    expect(stepLines(stdout)[0]).toMatch(/^FAIL {2}API answers GET \/health/);
    expect(
      stepLines(stdout)
        .slice(1)
        .every((line) => line.startsWith('SKIP')),
    ).toBe(true);
    expect(stdout).toContain('SMOKE FAILED');
  });

  it('refuses a command line without --base with a usage sentence and exit code 2', async () => {
    // Act
    const { code, stderr } = await runSmokeScript([]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--base must be the API's URL/);
  });
});

describe('synthetic NHS numbers', () => {
  it('come from the reserved 999 test range and pass Modulus 11', () => {
    // Act
    const numbers = Array.from({ length: 200 }, () => syntheticNhsNumber());

    // Assess
    for (const number of numbers) {
      expect(number).toMatch(/^999\d{7}$/);
      const digits = [...number].map(Number);
      const remainder = digits.slice(0, 9).reduce((sum, d, i) => sum + d * (10 - i), 0) % 11;
      expect(digits[9]).toBe(remainder === 0 ? 0 : 11 - remainder);
    }
  });
});
