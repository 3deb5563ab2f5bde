/** The smoke test's command line: `--base URL`, tokens, a webhook receiver, orgs, how long to wait (or their SMOKE_* variables). */

/** What the smoke run needs. */
export interface SmokeOptions {
  /** API base URL, no trailing slash. */
  readonly base: string;
  readonly tokens: { readonly provide?: string; readonly ecc?: string; readonly pm?: string };
  /** A receiver ops run; absent = start one on 127.0.0.1 (local runtime only). */
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  /** Organisations to mint local tokens for (ignored when tokens are given). */
  readonly fromOrg: string;
  readonly toOrg: string;
  /** How long each waiting step polls before it fails. */
  readonly waitSeconds: number;
}

/** A mistake on the command line: the message is one sentence. */
export class SmokeUsageError extends Error {
  override name = 'SmokeUsageError';
}

const USAGE =
  'Usage: npm run smoke -- --base URL [--token-provide T --token-ecc T --token-pm T] [--webhook-url URL --webhook-secret S] [--from-org provide --to-org ecc] [--wait-seconds 120].';

/** Parses `argv` (after the script name) and the environment into options. */
export const parseSmokeArgs = (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SmokeOptions => {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new SmokeUsageError(`Unexpected argument '${arg}'. ${USAGE}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new SmokeUsageError(`--${name} needs a value. ${USAGE}`);
    values.set(name, value);
  }
  const known = new Set([
    'base',
    'token-provide',
    'token-ecc',
    'token-pm',
    'webhook-url',
    'webhook-secret',
    'from-org',
    'to-org',
    'wait-seconds',
  ]);
  for (const name of values.keys()) if (!known.has(name)) throw new SmokeUsageError(`Unknown option --${name}. ${USAGE}`);
  const base = values.get('base') ?? env['SMOKE_BASE_URL'];
  if (!base || !URL.canParse(base)) throw new SmokeUsageError(`--base must be the API's URL, e.g. --base http://127.0.0.1:3000. ${USAGE}`);
  const waitSeconds = Number(values.get('wait-seconds') ?? 120);
  if (!Number.isFinite(waitSeconds) || waitSeconds <= 0) throw new SmokeUsageError('--wait-seconds must be a positive number.');
  const pick = (name: string, envName: string) => values.get(name) ?? env[envName] ?? undefined;
  const webhookUrl = pick('webhook-url', 'SMOKE_WEBHOOK_URL');
  const webhookSecret = pick('webhook-secret', 'SMOKE_WEBHOOK_SECRET');
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    throw new SmokeUsageError('--webhook-url needs --webhook-secret too, so the receiver can verify the signature.');
  }
  return {
    base: base.replace(/\/+$/, ''),
    tokens: {
      provide: pick('token-provide', 'SMOKE_TOKEN_PROVIDE'),
      ecc: pick('token-ecc', 'SMOKE_TOKEN_ECC'),
      pm: pick('token-pm', 'SMOKE_TOKEN_PM'),
    },
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
    ...(webhookSecret !== undefined ? { webhookSecret } : {}),
    fromOrg: values.get('from-org') ?? 'provide',
    toOrg: values.get('to-org') ?? 'ecc',
    waitSeconds,
  };
};
