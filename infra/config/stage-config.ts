/**
 * Typed, validated configuration of each deployed stage (DESIGN §5).
 *
 * The CDK app loads one stage's config at synth time; an unknown stage or an invalid
 * value stops synth with one clear sentence, before any construct is created.
 *
 * Pure data plus zod: no CDK imports, so tests and tools can read it cheaply.
 */
import * as z from 'zod';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '../../shared/core/reference-data.ts';
import type { WebhookPolicy } from '../../shared/subscriptions/domain/webhook-url.ts';
import { OrgEmailDomainsSchema, OrgOdsCodesSchema } from '../../shared/platform/config/runtime-config.ts';
import { isKnownOrganisation } from '../../shared/core/organisations.ts';
import { BACKUP_ACCOUNT } from './accounts.ts';
import {
  DEFAULT_RETENTION,
  ISO_DURATION,
  ISO_DURATION_MESSAGE,
  isUsableRetention,
  RETENTION_RANGE_MESSAGE,
} from '../../shared/core/retention.ts';

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

/**
 * Host names that are placeholders, never a deployed stage's own (RFC 2606 / 6761): a stage
 * deployed with one would e-mail alarms and alerts into the void or link to nowhere.
 */
const PLACEHOLDER_HOSTS = new Set(['example.org', 'example.com', 'example.net', 'localhost', '127.0.0.1', '[::1]', '::1']);
const PLACEHOLDER_SUFFIXES = ['.example.org', '.example.com', '.example.net', '.example', '.invalid', '.test', '.localhost'];

/** The placeholder a host name is or ends in, if any (`hooks.example.org` → `example.org`). */
export const placeholderOf = (host: string): string | undefined => {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (PLACEHOLDER_HOSTS.has(name)) return name;
  const suffix = PLACEHOLDER_SUFFIXES.find((s) => name.endsWith(s));
  return suffix === undefined ? undefined : suffix.slice(1);
};

const hostOfUrl = (value: string): string => (URL.canParse(value) ? new URL(value).hostname : '');
const hostOfEmail = (value: string): string => value.slice(value.lastIndexOf('@') + 1);
const placeholderMessage =
  'is a placeholder (example.org, example.com, localhost, 127.0.0.1, .invalid, .test): commit the stage’s real value';

/** An e-mail address on a real domain. */
const RealEmail = z.email('must be an e-mail address').refine((value) => placeholderOf(hostOfEmail(value)) === undefined, {
  message: `must not use a placeholder domain: it ${placeholderMessage}`,
});

/** An origin such as `https://jointly.example.nhs.uk` (scheme, host, optional port; no path). */
const Origin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin such as https://app.example.org (no path, no wildcard)');

const StageConfigSchema = z
  .strictObject({
    stage: z.enum(STAGES),
    /**
     * The stage's 12-digit AWS account id, pinned: synth never takes it from whichever
     * credentials happen to be loaded, and the CDK CLI refuses to deploy with another account's.
     */
    account: z
      .string({ error: 'must be the stage’s pinned 12-digit AWS account id' })
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-2')
      .default(DEFAULT_REGION),
    /** What happens to the stage's logs, queues and other non-record resources when the stack deletes them. */
    removalPolicy: z.enum(['retain', 'destroy']),
    /**
     * What happens to the resources that hold state no deploy can rebuild (the table, the KMS
     * keys, the user pool, the secrets: infra/stateful-resources.ts) when the stack deletes or
     * replaces them. `retain-on-update-or-delete` keeps the old one on a replacement as well as
     * on a delete (an empty one from a failed create is still cleaned up); `destroy` is for
     * stages of synthetic data only, and the replacement check still stops a silent replacement.
     * Their KMS keys wait 30 days (the most KMS allows) before deletion in every stage, so a
     * backup encrypted with one can be restored within that window.
     */
    statefulRemovalPolicy: z.enum(['retain-on-update-or-delete', 'destroy']).default('retain-on-update-or-delete'),
    /** Point-in-time recovery of the table: on in every stage. */
    pitr: z.literal(true),
    /** DynamoDB and Cognito deletion protection. */
    deletionProtection: z.boolean(),
    logRetentionDays: z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
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
    /**
     * Disaster recovery (docs/operations.md "Disaster recovery"): the objectives the stage is
     * held to and the AWS Backup plan of its table.
     */
    recovery: z.strictObject({
      /**
       * Recovery point objective restoring in place, in minutes: the most recent writes the
       * stage may lose when the table is damaged (point-in-time recovery reaches about 5 minutes back).
       */
      rpoMinutes: minutes,
      /**
       * Recovery point objective when the stage account or its region is lost, in hours: the
       * age of the newest backup copy in the backup account (one daily backup: 24).
       */
      disasterRpoHours: z.number().int().positive(),
      /** Recovery time objective, in hours: from the decision to restore to a smoke-tested stage. */
      rtoHours: z.number().int().positive(),
      /** Days each daily backup is kept in the stage's own vault. */
      backupRetentionDays: z.number().int().min(7, 'must be at least 7 days').max(36_500),
      /**
       * AWS Backup Vault Lock in compliance mode on the stage's vault: after its grace period
       * nobody, not even the account root, can delete a backup before it expires or lift the lock.
       */
      vaultLock: z.boolean(),
      /** Copy each backup into the backup account's vault (infra/config/accounts.ts); omitted = no copy. */
      copy: z.optional(
        z.strictObject({
          account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
          region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-2'),
          /** Days each copy is kept there. */
          retentionDays: z.number().int().min(7, 'must be at least 7 days').max(36_500),
        }),
      ),
    }),
    /**
     * The audit archive (docs/operations.md "The audit archive"): every access-log entry and
     * every event, delivered to an S3 bucket under Object Lock in compliance mode.
     */
    audit: z.strictObject({
      /** Days each archived object is locked: until then nobody, not even the account root, can delete or overwrite it. */
      lockDays: z.number().int().min(1, 'must be at least 1 day').max(36_500),
      /** CloudTrail data events (every item-level read and write, and who made it) on the table. */
      tableDataEvents: z.boolean(),
    }),
    /**
     * How long records are kept (docs/records-retention.md), as ISO 8601 durations such as
     * `P8Y` or `P30D` (the local runtime accepts seconds, `PT10S`, to try disposal).
     */
    retention: z
      .strictObject({
        /**
         * A closed referral (completed, declined or withdrawn) with its notes, handoffs and access
         * log: how long after its last activity it is disposed of. NHS Records Management Code:
         * adult health and social-care records, 8 years after the conclusion of care.
         */
        closedReferral: z
          .string()
          .regex(ISO_DURATION, ISO_DURATION_MESSAGE)
          .refine(isUsableRetention, RETENTION_RANGE_MESSAGE)
          .default(DEFAULT_RETENTION.closedReferral),
      })
      .prefault({}),
    /** Where alarms are e-mailed (ops). */
    alarmEmail: RealEmail,
    /**
     * The stage's monthly cost budget in US dollars (AWS Budgets' unit whatever the invoice
     * currency): `alarmEmail` hears at 80 % actual and 100 % forecast spend of the costs tagged
     * `Stage=<stage>` (docs/runbooks.md#monthly-budget).
     */
    monthlyBudgetUsd: z
      .number({ error: 'must be a whole number of US dollars' })
      .int('must be a whole number of US dollars')
      .min(1, 'must be at least 1 US dollar')
      .max(100_000, 'must be at most 100000 US dollars (a typo guard: change it by a reviewed commit if it is real)'),
    /** The SES identity e-mail alerts are sent from. */
    sesSender: RealEmail,
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
      })
      .refine((url) => placeholderOf(hostOfUrl(url)) === undefined, {
        message: `must not use a placeholder host: it ${placeholderMessage}`,
      }),
    /** Default stage throttling of the HTTP API. */
    throttling: z.strictObject({
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
    // The runtime's schema is zod/mini (shared/core/zod.ts): checks are added with `.check`.
    organisationEmailDomains: z.optional(
      OrgEmailDomainsSchema.check(
        z.refine((byOrg) => Object.keys(byOrg).every(isKnownOrganisation), { message: 'must name known organisations only' }),
      ),
    ),
    /**
     * NHS ODS codes of the registry's organisations, shown on their FHIR Organization
     * (`https://fhir.nhs.uk/Id/ods-organization-code`). Optional per organisation.
     */
    organisationOdsCodes: z.optional(
      OrgOdsCodesSchema.check(
        z.refine((byOrg) => Object.keys(byOrg).every(isKnownOrganisation), { message: 'must name known organisations only' }),
      ),
    ),
    /** The console's edge (CloudFront) and sign-in (Cognito managed login): all optional. */
    console: z
      .strictObject({
        /**
         * The prefix of managed login's domain, `https://<prefix>.auth.<region>.amazoncognito.com`
         * (unique among every AWS account in the region). Default: `jointly-<stage>-` and eight
         * hex digits of the account id's SHA-256 (`loginDomainPrefixOf`).
         */
        loginDomainPrefix: z.optional(
          z
            .string()
            .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be 1 to 63 lower-case letters, digits and inner hyphens')
            .refine((prefix) => !/aws|amazon|cognito/.test(prefix), {
              message: 'must not contain aws, amazon or cognito (Cognito refuses them)',
            }),
        ),
        /**
         * An ACM certificate for the host of `appBaseUrl`, in us-east-1 (CloudFront reads
         * certificates there only): the distribution then answers on that host with TLS 1.2 at
         * least. Without it the console is served on `*.cloudfront.net` only.
         */
        certificateArn: z.optional(
          z
            .string()
            .regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be the ARN of an ACM certificate in us-east-1'),
        ),
        /** A WAF web ACL of CloudFront scope (made in us-east-1) for the distribution. */
        webAclArn: z.optional(
          z
            .string()
            .regex(
              /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/,
              'must be the ARN of a CloudFront-scope (global, us-east-1) WAF web ACL',
            ),
        ),
      })
      .prefault({}),
    /** Defaults of every function. */
    lambda: z.strictObject({
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
  .superRefine((config, ctx) => {
    // Dev alone may also admit a developer's own console (http on loopback) against the dev
    // API, which holds synthetic data only; staging and prod admit only their hosted console.
    config.corsOrigins.forEach((origin, index) => {
      const host = hostOfUrl(origin);
      const placeholder = placeholderOf(host);
      if (placeholder === undefined) {
        if (origin.startsWith('http://'))
          ctx.addIssue({
            code: 'custom',
            path: ['corsOrigins', index],
            message: 'must use https:// (plain http only for a developer’s loopback console in dev)',
          });
        return;
      }
      const devLoopback = config.stage === 'dev' && origin.startsWith('http://') && LOCAL_HOSTS.has(host);
      if (!devLoopback) {
        ctx.addIssue({
          code: 'custom',
          path: ['corsOrigins', index],
          message: `must not use a placeholder host: it ${placeholderMessage} (dev alone may add http://localhost or http://127.0.0.1)`,
        });
      }
    });
  })
  .refine((config) => config.stage !== 'prod' || (config.removalPolicy === 'retain' && config.deletionProtection), {
    message: 'prod must retain its data: removalPolicy "retain" and deletionProtection true',
    path: ['removalPolicy'],
  })
  .refine((config) => config.stage !== 'prod' || (config.recovery.vaultLock && config.recovery.copy !== undefined), {
    message: 'prod must lock its backup vault and copy its backups to the backup account: vaultLock true and a copy',
    path: ['recovery'],
  })
  .refine((config) => config.stage !== 'prod' || config.audit.tableDataEvents, {
    message: 'prod must record CloudTrail data events on its table: tableDataEvents true',
    path: ['audit', 'tableDataEvents'],
  })
  .refine((config) => config.recovery.copy === undefined || config.recovery.copy.account !== config.account, {
    message: 'must copy backups to another account than the stage’s own (the backup account)',
    path: ['recovery', 'copy', 'account'],
  })
  .refine((config) => config.stage === 'dev' || config.statefulRemovalPolicy === 'retain-on-update-or-delete', {
    message: 'only dev (synthetic data) may destroy its table, keys, user pool and secrets: use "retain-on-update-or-delete"',
    path: ['statefulRemovalPolicy'],
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

/**
 * The committed configuration of each stage: its real account, addresses and origins.
 * Ops change these by a reviewed commit, never per deploy (see `LOCKED_FIELDS`).
 */
export const STAGE_DEFAULTS: Readonly<Record<StageName, Omit<StageConfigInput, 'stage'>>> = {
  dev: {
    ...devLike,
    // Synthetic data only: a deleted dev stack takes its table, keys, pool and secrets with it.
    statefulRemovalPolicy: 'destroy',
    account: '431870624157',
    region: DEFAULT_REGION,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    alarmEmail: 'jointly-ops-dev@nhs.net',
    monthlyBudgetUsd: 50,
    // Synthetic data: a week of backups, no copy, no lock (a locked vault outlives the stack).
    recovery: { rpoMinutes: 15, disasterRpoHours: 24, rtoHours: 24, backupRetentionDays: 7, vaultLock: false },
    audit: { lockDays: 1, tableDataEvents: false },
    sesSender: 'alerts@dev.jointly.essex-ics.nhs.uk',
    // The hosted dev console, plus a developer's own console on loopback (dev data is synthetic).
    corsOrigins: ['https://dev.jointly.essex-ics.nhs.uk', 'http://localhost:5173', 'http://127.0.0.1:5173'],
    appBaseUrl: 'https://dev.jointly.essex-ics.nhs.uk',
    throttling: { rateLimit: 20, burstLimit: 40 },
    threatProtection: 'off',
  },
  staging: {
    ...devLike,
    // Real-shaped data under test: a replaced or deleted table, key, pool or secret is kept.
    statefulRemovalPolicy: 'retain-on-update-or-delete',
    account: '578204913360',
    region: DEFAULT_REGION,
    logRetentionDays: 90,
    logLevel: 'INFO',
    alarmEmail: 'jointly-ops-staging@nhs.net',
    monthlyBudgetUsd: 100,
    recovery: {
      rpoMinutes: 15,
      disasterRpoHours: 24,
      rtoHours: 8,
      backupRetentionDays: 35,
      vaultLock: false,
      copy: { ...BACKUP_ACCOUNT, retentionDays: 35 },
    },
    audit: { lockDays: 90, tableDataEvents: false },
    sesSender: 'alerts@staging.jointly.essex-ics.nhs.uk',
    corsOrigins: ['https://staging.jointly.essex-ics.nhs.uk'],
    appBaseUrl: 'https://staging.jointly.essex-ics.nhs.uk',
    throttling: { rateLimit: 50, burstLimit: 100 },
    threatProtection: 'audit',
  },
  prod: {
    removalPolicy: 'retain',
    statefulRemovalPolicy: 'retain-on-update-or-delete',
    pitr: true,
    deletionProtection: true,
    account: '806129473518',
    region: DEFAULT_REGION,
    logRetentionDays: 400,
    logLevel: 'INFO',
    alarmEmail: 'jointly-ops@nhs.net',
    monthlyBudgetUsd: 300,
    recovery: {
      rpoMinutes: 5,
      disasterRpoHours: 24,
      rtoHours: 4,
      backupRetentionDays: 35,
      vaultLock: true,
      copy: { ...BACKUP_ACCOUNT, retentionDays: 90 },
    },
    // Eight years: the retention of the records the log is about (docs/records-retention.md).
    audit: { lockDays: 2922, tableDataEvents: true },
    sesSender: 'alerts@jointly.essex-ics.nhs.uk',
    corsOrigins: ['https://jointly.essex-ics.nhs.uk'],
    appBaseUrl: 'https://jointly.essex-ics.nhs.uk',
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
  const stage = typeof raw === 'object' && raw !== null && 'stage' in raw && typeof raw.stage === 'string' ? raw.stage : 'unknown';
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

/**
 * Fields a per-deployment override may not change: where the stage lives and who hears
 * from it. A deploy that forgot an override used to revert them silently; now they exist
 * only in the committed `STAGE_DEFAULTS`.
 */
export const LOCKED_FIELDS = ['stage', 'account', 'region', 'alarmEmail', 'sesSender', 'corsOrigins', 'appBaseUrl'] as const;

/** Options of `loadStageConfig`. */
export interface LoadStageConfigOptions {
  /** Environment to read `CDK_DEFAULT_REGION` from when a stage names no region (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Per-deployment overrides of the committed values (deep-merged), e.g. from the
   * `jointly:config` context: `{"priorityTargetMinutes": {"urgent": 60}}`. None of
   * `LOCKED_FIELDS` may appear.
   */
  readonly overrides?: Record<string, unknown>;
}

/**
 * The validated configuration of `stageName` (default `dev`). The account is always the
 * committed one (never `CDK_DEFAULT_ACCOUNT`); the region is the committed one (eu-west-2),
 * else `CDK_DEFAULT_REGION`.
 */
export const loadStageConfig = (stageName: string | undefined, options: LoadStageConfigOptions = {}): StageConfig => {
  const stage = stageName === undefined || stageName === '' ? DEFAULT_STAGE : stageName;
  if (!isStageName(stage)) {
    throw new StageConfigError(`Unknown stage '${stage}': expected one of ${STAGES.join(', ')} (pass -c stage=...).`);
  }
  const env = options.env ?? process.env;
  const locked = LOCKED_FIELDS.find((field) => options.overrides !== undefined && field in options.overrides);
  if (locked !== undefined) {
    throw new StageConfigError(
      `The override may not change ${locked} of stage '${stage}': it is committed in infra/config/stage-config.ts, so change it by a reviewed commit.`,
    );
  }
  const fromEnv: Record<string, unknown> = {};
  const defaults: Record<string, unknown> = { ...STAGE_DEFAULTS[stage] };
  if (defaults['region'] === undefined && env['CDK_DEFAULT_REGION']) fromEnv['region'] = env['CDK_DEFAULT_REGION'];
  const raw = merge(merge(fromEnv, defaults), { ...(options.overrides ?? {}), stage });
  return parseStageConfig(raw);
};
