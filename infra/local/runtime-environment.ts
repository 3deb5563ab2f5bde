/**
 * The local runtime's settings: the environment the handlers read their configuration from
 * at cold start (as on Lambda, where CDK sets it), and what only the runtime reads — the
 * local seal key and mail folder, the fault rates, the SLA sweep's pace.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVENT_ENV } from '../../shared/platform/config/environment.ts';
import { ENV } from '../../shared/platform/config/environment.ts';
import { LOCAL_ENV, rateFrom } from './local-env.ts';

/** Seconds between SLA sweeps locally (`JOINTLY_SLA_SWEEP_SECONDS`); AWS runs it every minute. */
export const SLA_SWEEP_ENV = LOCAL_ENV.slaSweepSeconds;
const DEFAULT_SLA_SWEEP_SECONDS = 15;

/** Seconds between the local TTL reaper's passes (`JOINTLY_TTL_SWEEP_SECONDS`); DynamoDB's own TTL takes up to two days. */
const DEFAULT_TTL_SWEEP_SECONDS = 60;

const intervalMs = (variable: string, raw: string | undefined, defaultSeconds: number): number => {
  if (raw === undefined || raw === '') return defaultSeconds * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${variable} must be a positive number of seconds, not "${raw}".`);
  return seconds * 1000;
};

/**
 * The local runtime's keys (subject hashing and cursor signing, read by the handlers; the
 * local seal key, read by the runtime): random per start, or kept beside persisted data so
 * a restarted runtime still finds people, honours cursors and opens webhook secrets.
 */
const localKeys = (persistDir: string | undefined): Record<string, string> => {
  const fresh = () => ({
    [ENV.subjectHashKey]: randomBytes(32).toString('hex'),
    [ENV.cursorKey]: randomBytes(32).toString('hex'),
    [LOCAL_ENV.sealKey]: randomBytes(32).toString('hex'),
  });
  if (!persistDir) return fresh();
  const file = resolve(persistDir, 'local-keys.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  // Keys kept from earlier runs win; keys added since (the seal key) are made once and kept.
  const keys = { ...fresh(), ...kept };
  if (Object.keys(keys).some((name) => !(name in kept))) {
    mkdirSync(persistDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return keys;
};

/** Where the runtime runs: its table, its DynamoDB and its data folders. */
export interface RuntimePlace {
  readonly tableName: string;
  readonly endpoint: string;
  /** The data folder asked for (`--persist`), also the default mail folder's parent. */
  readonly persistDir: string | undefined;
  /** Where positions, journals and keys are kept: only with data that is kept (persisted DynamoDB Local). */
  readonly keptDir: string | undefined;
  /** Extra environment for the handlers (e.g. shortened priority targets). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** What the runtime itself reads of its settings. */
export interface RuntimeSettings {
  /** Where alert e-mails are written (`.eml` files). */
  readonly mailDir: string;
  /** Where the audit archive's files are appended (`JOINTLY_LOCAL_AUDIT_DIR`). */
  readonly auditDir: string;
  /** The local sealer's key (64 hex characters). */
  readonly sealKey: string;
  /** `JOINTLY_FAULT_RATE`: publishes and delivery attempts failed on purpose. */
  readonly faultRate: number;
  /** `JOINTLY_SDK_FAULT_RATE`: DynamoDB attempts failed on purpose. */
  readonly sdkFaultRate: number;
  readonly sweepEveryMs: number;
  /** `JOINTLY_TTL_SWEEP_SECONDS`: how often expired items are deleted. */
  readonly ttlEveryMs: number;
}

/**
 * Sets the process environment the handlers read at import, as CDK sets a function's
 * (values already in the environment win for the keys; `place.env` wins over everything),
 * and returns the runtime's own settings, validated.
 */
export const applyRuntimeEnvironment = (place: RuntimePlace): RuntimeSettings => {
  Object.assign(process.env, {
    [ENV.stage]: 'local',
    [ENV.tableName]: place.tableName,
    [ENV.dynamodbEndpoint]: place.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-2',
    POWERTOOLS_SERVICE_NAME: 'jointly',
    [EVENT_ENV.webhookPolicy]: 'allow-loopback',
    [LOCAL_ENV.mailDir]: process.env[LOCAL_ENV.mailDir] || resolve(place.persistDir ?? '.local-data', 'mail'),
    ...localKeys(place.keptDir),
    ...Object.fromEntries(
      [ENV.subjectHashKey, ENV.cursorKey, LOCAL_ENV.sealKey].filter((name) => process.env[name]).map((name) => [name, process.env[name]!]),
    ),
    ...place.env,
  });
  return {
    mailDir: process.env[LOCAL_ENV.mailDir]!,
    auditDir: process.env[LOCAL_ENV.auditDir] || resolve(place.persistDir ?? '.local-data', 'audit'),
    sealKey: process.env[LOCAL_ENV.sealKey]!,
    faultRate: rateFrom(process.env[LOCAL_ENV.faultRate], LOCAL_ENV.faultRate),
    sdkFaultRate: rateFrom(process.env[LOCAL_ENV.sdkFaultRate], LOCAL_ENV.sdkFaultRate),
    sweepEveryMs: intervalMs(SLA_SWEEP_ENV, process.env[SLA_SWEEP_ENV], DEFAULT_SLA_SWEEP_SECONDS),
    ttlEveryMs: intervalMs(LOCAL_ENV.ttlSweepSeconds, process.env[LOCAL_ENV.ttlSweepSeconds], DEFAULT_TTL_SWEEP_SECONDS),
  };
};
