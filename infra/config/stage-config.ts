/**
 * Typed, validated configuration of each deployed stage (DESIGN §5).
 *
 * The CDK app loads one stage's config at synth time; an unknown stage or an invalid
 * value stops synth with one clear sentence, before any construct is created.
 *
 * Pure data plus zod: no CDK imports, so tests and tools can read it cheaply.
 */
import * as z from 'zod';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '../../shared/domain/reference-data.ts';
import type { WebhookPolicy } from '../../shared/events/webhook-url.ts';
import { OrgEmailDomainsSchema } from '../../shared/config/runtime-config.ts';
import { isKnownOrganisation } from '../../shared/config/organisations.ts';

/** The stages Jointly deploys to. */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** The stage used when `-c stage=...` is not given. */
export const DEFAULT_STAGE: StageName = 'dev';

/** UK region: health and social care records stay in the UK. */
export const DEFAULT_REGION = 'eu-west-2';

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** API Gateway HTTP APIs time out integrations after 30 s, so a longer Lambda timeout is wasted. */
const MAX_API_TIMEOUT_SECONDS = 29;

const minutes = z.number().int().positive();

/** The webhook URL policies the delivery code knows; only `public-https` may be deployed. */
const WEBHOOK_POLICIES = ['public-https', 'allow-loopback'] as const satisfies readonly WebhookPolicy[];

/** `http://` is accepted only for a developer's own machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An origin such as `https://jointly.example.nhs.uk` (scheme, host, optional port; no path). */
const Origin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin such as https://app.example.org (no path, no wildcard)');

const StageConfigSchema = z
  .strictObject({
    stage: z.enum(STAGES),
    /** 12-digit AWS account id; omitted = environment-agnostic (taken from credentials at deploy). */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-2')
      .default(DEFAULT_REGION),
    /** What happens to stateful resources (table, key, logs) when the stack deletes them. */
    removalPolicy: z.enum(['retain', 'destroy']),
    /** Point-in-time recovery of the table: on in every stage. */
    pitr: z.literal(true),
    /** DynamoDB and Cognito deletion protection. */
    deletionProtection: z.boolean(),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')} (days CloudWatch Logs accepts)`,
      }),
    /**
     * Powertools (and Lambda application) log level of every function. Not ERROR: the
     * delivery dead-letter alarm counts a WARN line (README "Alarms and the dashboard").
     */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN'], {
      error: 'must be DEBUG, INFO or WARN (ERROR would hide the WARN line the delivery dead-letter alarm counts)',
    }),
    /** Response target per priority, in minutes (DESIGN §3). */
    priorityTargetMinutes: z
      .strictObject({
        urgent: minutes.default(DEFAULT_PRIORITY_TARGET_MINUTES.urgent),
        soon: minutes.default(DEFAULT_PRIORITY_TARGET_MINUTES.soon),
        routine: minutes.default(DEFAULT_PRIORITY_TARGET_MINUTES.routine),
      })
      .prefault({}),
    /** Where alarms are e-mailed (ops). */
    alarmEmail: z.email('must be an e-mail address'),
    /** The SES identity e-mail alerts are sent from. */
    sesSender: z.email('must be an e-mail address'),
    /** Browser origins allowed to call the API. */
    corsOrigins: z.array(Origin),
    /**
     * Which webhook URLs subscriptions may name and deliveries may call. Deployed stages
     * accept only public `https://` endpoints; `allow-loopback` exists for the local runtime.
     */
    webhookPolicy: z
      .enum(WEBHOOK_POLICIES, { error: "must be 'public-https' (the only webhook policy a deployed stage may use)" })
      .refine((policy) => policy === 'public-https', {
        message: "'allow-loopback' is for the local runtime only, so a deployed stage must use 'public-https'",
      }),
    /** The client application alert e-mails link to (`<appBaseUrl>/referrals/<id>`). */
    appBaseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as https://jointly.example.org' })
      .refine((url) => !URL.canParse(url) || url.startsWith('https://') || LOCAL_HOSTS.has(new URL(url).hostname), {
        message: 'must use https:// (plain http is accepted only for localhost)',
      }),
    /** Default stage throttling of the HTTP API. */
    throttling: z
      .strictObject({
        /** Steady-state requests per second. */
        rateLimit: z.number().positive('must be a positive number of requests per second'),
        /** Burst capacity, in requests. */
        burstLimit: z.number().int().positive('must be a positive whole number of requests'),
      }),
    /** Cognito threat protection (needs the Plus feature plan, billed per active user). */
    threatProtection: z.enum(['off', 'audit', 'enforced']),
    /**
     * E-mail domains per organisation id, replacing the registry's list for that org (e.g.
     * to add `nhs.net` for an NHS body once the programme accepts it): e-mail subscriptions
     * may only send to their owner's organisation's domains. Omitted = the registry's.
     */
    organisationEmailDomains: OrgEmailDomainsSchema.refine((byOrg) => Object.keys(byOrg).every(isKnownOrganisation), {
      message: 'must name known organisations only',
    }).optional(),
    /** Defaults of every function. */
    lambda: z
      .strictObject({
        memoryMb: z.number().int().min(128, 'must be at least 128 MB').max(10240, 'must be at most 10240 MB'),
        timeoutSeconds: z
          .number()
          .int()
          .min(1, 'must be at least 1 second')
          .max(MAX_API_TIMEOUT_SECONDS, `must be at most ${MAX_API_TIMEOUT_SECONDS} seconds (the HTTP API times out at 30 s)`),
        /**
         * `NODE_OPTIONS=--enable-source-maps`: stack traces mapped to the TypeScript sources.
         * Off by default: Node then reads and parses each bundle's source map at cold start
         * and every stack trace costs a lookup. The `.map` file ships either way (README "Bundles").
         */
        enableSourceMaps: z.boolean({ error: 'must be true or false' }),
      }),
  })
  .refine((config) => config.stage !== 'prod' || (config.removalPolicy === 'retain' && config.deletionProtection), {
    message: 'prod must retain its data: removalPolicy "retain" and deletionProtection true',
    path: ['removalPolicy'],
  });

/** A stage's validated configuration. */
export type StageConfig = z.infer<typeof StageConfigSchema>;

/** A stage's configuration before validation and defaults. */
export type StageConfigInput = z.input<typeof StageConfigSchema>;

const devLike = {
  removalPolicy: 'destroy',
  pitr: true,
  deletionProtection: false,
  webhookPolicy: 'public-https',
  lambda: { memoryMb: 512, timeoutSeconds: 10, enableSourceMaps: false },
} as const;

/** Checked-in configuration of each stage. Account ids come from the environment. */
export const STAGE_DEFAULTS: Readonly<Record<StageName, Omit<StageConfigInput, 'stage'>>> = {
  dev: {
    ...devLike,
    region: DEFAULT_REGION,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    alarmEmail: 'jointly-alarms-dev@example.org',
    sesSender: 'jointly-dev@example.org',
    corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    appBaseUrl: 'http://localhost:5173',
    throttling: { rateLimit: 20, burstLimit: 40 },
    threatProtection: 'off',
  },
  staging: {
    ...devLike,
    region: DEFAULT_REGION,
    logRetentionDays: 90,
    logLevel: 'INFO',
    alarmEmail: 'jointly-alarms-staging@example.org',
    sesSender: 'jointly-staging@example.org',
    corsOrigins: ['https://staging.jointly.example.org'],
    appBaseUrl: 'https://staging.jointly.example.org',
    throttling: { rateLimit: 50, burstLimit: 100 },
    threatProtection: 'audit',
  },
  prod: {
    removalPolicy: 'retain',
    pitr: true,
    deletionProtection: true,
    region: DEFAULT_REGION,
    logRetentionDays: 400,
    logLevel: 'INFO',
    alarmEmail: 'jointly-alarms@example.org',
    sesSender: 'jointly@example.org',
    corsOrigins: ['https://jointly.example.org'],
    appBaseUrl: 'https://jointly.example.org',
    webhookPolicy: 'public-https',
    throttling: { rateLimit: 200, burstLimit: 400 },
    threatProtection: 'enforced',
    lambda: { memoryMb: 1024, timeoutSeconds: 10, enableSourceMaps: false },
  },
};

/** Thrown when the stage or its configuration is unusable; the message is one sentence. */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

const isStageName = (value: string): value is StageName => (STAGES as readonly string[]).includes(value);

/**
 * Validates a raw stage configuration (defaults applied). Throws a `StageConfigError`
 * naming the first invalid field, e.g.
 * `Invalid configuration for stage 'dev' at lambda.memoryMb: must be at least 128 MB.`
 */
export const parseStageConfig = (raw: unknown): StageConfig => {
  const result = StageConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const stage =
    typeof raw === 'object' && raw !== null && 'stage' in raw && typeof raw.stage === 'string' ? raw.stage : 'unknown';
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'configuration';
  const message = (issue?.message ?? 'invalid value').replace(/\.$/, '');
  throw new StageConfigError(`Invalid configuration for stage '${stage}' at ${field}: ${message}.`);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge of plain objects; arrays and scalars in `override` replace those in `base`. */
const merge = (base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
};

/** Options of `loadStageConfig`. */
export interface LoadStageConfigOptions {
  /** Environment to read `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION` from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Per-deployment overrides of the checked-in values (deep-merged), e.g. from the
   * `jointly:config` context: `{"alarmEmail": "ops@trust.nhs.uk"}`.
   */
  readonly overrides?: Record<string, unknown>;
}

/**
 * The validated configuration of `stageName` (default `dev`). The account is the
 * config's, else `CDK_DEFAULT_ACCOUNT`, else none (environment-agnostic); the region is
 * the config's (eu-west-2 unless overridden), else `CDK_DEFAULT_REGION`.
 */
export const loadStageConfig = (stageName: string | undefined, options: LoadStageConfigOptions = {}): StageConfig => {
  const stage = stageName === undefined || stageName === '' ? DEFAULT_STAGE : stageName;
  if (!isStageName(stage)) {
    throw new StageConfigError(`Unknown stage '${stage}': expected one of ${STAGES.join(', ')} (pass -c stage=...).`);
  }
  const env = options.env ?? process.env;
  const fromEnv: Record<string, unknown> = {};
  if (env['CDK_DEFAULT_ACCOUNT']) fromEnv['account'] = env['CDK_DEFAULT_ACCOUNT'];
  const defaults: Record<string, unknown> = { ...STAGE_DEFAULTS[stage] };
  if (defaults['region'] === undefined && env['CDK_DEFAULT_REGION']) fromEnv['region'] = env['CDK_DEFAULT_REGION'];
  const raw = merge(merge(fromEnv, defaults), { ...(options.overrides ?? {}), stage });
  return parseStageConfig(raw);
};
