/**
 * Runtime configuration of every Lambda handler, read from the environment once per
 * module (cold start) and validated, so a misconfigured function fails at init with one
 * clear sentence instead of misbehaving per request.
 *
 * The CDK `JointlyFunction` construct and the local runtime set these same variables
 * (their names: environment.ts).
 */
import * as z from '../../core/zod.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES, PRIORITIES, type Priority } from '../../core/reference-data.ts';
import { ENV } from './environment.ts';
import { RetentionPolicySchema } from '../../core/retention.ts';

const PriorityTargetsSchema = z.pipe(
  // Fractions allowed (0.05 = 3 s) so the local runtime can show a breach in seconds.
  z.partialRecord(z.enum(PRIORITIES), z.number().check(z.gt(0))),
  z.transform((overrides): Record<Priority, number> => ({ ...DEFAULT_PRIORITY_TARGET_MINUTES, ...overrides })),
);

/** A mail domain such as `essex.gov.uk`: lower-case labels, at least one dot, no `@`. */
export const EmailDomainSchema = z
  .string()
  .check(
    z.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case mail domain such as essex.gov.uk'),
  );

/** E-mail domains per organisation id; each list non-empty. */
export const OrgEmailDomainsSchema = z.record(
  z.string().check(z.minLength(1)),
  z.array(EmailDomainSchema).check(z.minLength(1, 'must list at least one domain')),
);

/** An NHS Organisation Data Service code: 3–10 upper-case letters and digits (e.g. `RQ8`, `NQA`). */
export const OdsCodeSchema = z.string().check(z.regex(/^[A-Z0-9]{3,10}$/, 'must be an ODS code: 3–10 upper-case letters and digits'));

/** ODS codes per organisation id (an organisation without one simply has none). */
export const OrgOdsCodesSchema = z.record(z.string().check(z.minLength(1)), OdsCodeSchema);

const RuntimeConfigSchema = z.object({
  stage: z._default(z.string().check(z.minLength(1)), 'local'),
  tableName: z.optional(z.string().check(z.minLength(1))),
  priorityTargetMinutes: PriorityTargetsSchema,
  retention: RetentionPolicySchema,
  dynamodbEndpoint: z.optional(z.url()),
  subjectHashKey: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  cursorKey: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  orgEmailDomains: OrgEmailDomainsSchema,
  orgOdsCodes: OrgOdsCodesSchema,
  subscriptionCap: z.optional(z.coerce.number().check(z.int('must be a whole number'), z.gt(0, 'must be a positive number'))),
});

/** Validated runtime configuration. */
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

/** The environment variable each configuration field is read from, for error messages. */
const VARIABLE_OF_FIELD: Readonly<Record<string, string>> = {
  stage: ENV.stage,
  tableName: ENV.tableName,
  priorityTargetMinutes: ENV.priorityTargets,
  retention: ENV.retention,
  dynamodbEndpoint: ENV.dynamodbEndpoint,
  subjectHashKey: ENV.subjectHashKey,
  cursorKey: ENV.cursorKey,
  orgEmailDomains: ENV.orgEmailDomains,
  orgOdsCodes: ENV.orgOdsCodes,
  subscriptionCap: ENV.subscriptionCap,
};

/** Thrown at init when the environment is unusable; its message names the variable. */
export class ConfigurationError extends Error {}

const parseJson = (name: string, raw: string | undefined): unknown => {
  if (raw === undefined || raw === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`${name} must be a JSON object.`);
  }
};

/** Reads and validates the runtime configuration from `env` (default `process.env`). */
export const loadRuntimeConfig = (env: NodeJS.ProcessEnv = process.env): RuntimeConfig => {
  const result = RuntimeConfigSchema.safeParse({
    stage: env[ENV.stage] || undefined,
    tableName: env[ENV.tableName] || undefined,
    priorityTargetMinutes: parseJson(ENV.priorityTargets, env[ENV.priorityTargets]),
    retention: parseJson(ENV.retention, env[ENV.retention]),
    dynamodbEndpoint: env[ENV.dynamodbEndpoint] || undefined,
    subjectHashKey: env[ENV.subjectHashKey] || undefined,
    cursorKey: env[ENV.cursorKey] || undefined,
    orgEmailDomains: parseJson(ENV.orgEmailDomains, env[ENV.orgEmailDomains]),
    orgOdsCodes: parseJson(ENV.orgOdsCodes, env[ENV.orgOdsCodes]),
    subscriptionCap: env[ENV.subscriptionCap] || undefined,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? 'configuration';
    const variable = VARIABLE_OF_FIELD[String(issue?.path[0])];
    throw new ConfigurationError(
      `Invalid runtime configuration at ${field}${variable ? ` (${variable})` : ''}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return result.data;
};

/** The table name, or a clear failure for handlers that need the table. */
export const requireTableName = (config: RuntimeConfig): string => {
  if (!config.tableName) throw new ConfigurationError(`${ENV.tableName} is not set.`);
  return config.tableName;
};
