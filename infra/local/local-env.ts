/**
 * The environment variables only the local runtime reads (tests, benchmarks and
 * `npm run resilience` set some of them). Deployed functions never read these: the local
 * adapters and fault injectors they configure live in infra/local, not in shared/.
 */
export const LOCAL_ENV = {
  /** AES-256 key (64 hex characters) of the local webhook-secret sealer; made at start-up if unset. */
  sealKey: 'JOINTLY_LOCAL_SEAL_KEY',
  /** Folder alert e-mails are written to as `.eml` files (default `<data dir>/mail`). */
  mailDir: 'JOINTLY_LOCAL_MAIL_DIR',
  /**
   * Folder the audit archive's JSON Lines files are appended to (default `<data dir>/audit`):
   * the local stand-in for the Object Lock bucket (docs/audit-archive.md).
   */
  auditDir: 'JOINTLY_LOCAL_AUDIT_DIR',
  /**
   * Tests and benchmarks only: the fraction (0–1) of publishes and of delivery attempts that
   * fail on purpose, to show retries lose and duplicate nothing.
   */
  faultRate: 'JOINTLY_FAULT_RATE',
  /**
   * Tests, benchmarks and resilience runs only: the fraction (0–1) of DynamoDB attempts that
   * fail on purpose at the SDK client — throttling, transaction conflicts, timeouts,
   * internal errors, which DynamoDB Local never raises.
   */
  sdkFaultRate: 'JOINTLY_SDK_FAULT_RATE',
  /** Seconds between SLA sweeps (default 15); AWS runs the sweep every minute. */
  slaSweepSeconds: 'JOINTLY_SLA_SWEEP_SECONDS',
  /**
   * Seconds between passes of the local TTL reaper (default 60), which deletes items whose
   * `expiresAt` has passed as DynamoDB's TTL does; with a short `JOINTLY_RETENTION` it shows a
   * closed referral disposed of within seconds.
   */
  ttlSweepSeconds: 'JOINTLY_TTL_SWEEP_SECONDS',
  /**
   * Tests only: `{"domain":"http://127.0.0.1:<port>","clientId":"…"}` makes the console sign in
   * as deployed (managed login with PKCE, its `config.json` and CSP as the console stack
   * writes them) against a stand-in login server, instead of "sign in as".
   */
  consoleLogin: 'JOINTLY_CONSOLE_LOGIN',
} as const;

/** The fraction in `raw` (0–1; unset or empty = 0), or an error naming `variable`. */
export const rateFrom = (raw: string | undefined, variable: string): number => {
  if (raw === undefined || raw === '') return 0;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`${variable} must be a number from 0 to 1, not "${raw}".`);
  return rate;
};

/**
 * The stand-in login server of `JOINTLY_CONSOLE_LOGIN` (`undefined` when unset), or an error
 * naming the variable.
 */
export const consoleLoginFrom = (raw: string | undefined): { domain: string; clientId: string } | undefined => {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const { domain, clientId } = (parsed ?? {}) as { domain?: unknown; clientId?: unknown };
  if (typeof domain !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+$/.test(domain) || typeof clientId !== 'string' || clientId === '') {
    throw new Error(`${LOCAL_ENV.consoleLogin} must be {"domain":"http://127.0.0.1:<port>","clientId":"…"}, not "${raw}".`);
  }
  return { domain, clientId };
};
