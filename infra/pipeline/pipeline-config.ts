/**
 * Typed, validated configuration of the delivery pipeline (docs/deployment-pipeline.md): where
 * it runs (the pipeline account, infra/config/accounts.ts), which repository and branch it
 * builds, and the CodeConnections connection it reads them through.
 *
 * Like the stage config, the committed values are the real ones, changed by a reviewed commit;
 * an invalid or placeholder value stops synth with one sentence naming the field.
 *
 * Pure data plus zod: no CDK imports.
 */
import * as z from 'zod';
import { PIPELINE_ACCOUNT } from '../config/accounts.ts';
import { STAGES, type StageName } from '../config/stage-config.ts';

/** Account ids that are documentation placeholders, never an account of ours. */
const PLACEHOLDER_ACCOUNTS = new Set(['000000000000', '111111111111', '123456789012', '210987654321', '999999999999']);

/** A UUID of one repeated digit (`00000000-0000-…`, `xxxxxxxx-…` written as `ffffffff-…`) is a placeholder. */
const isPlaceholderUuid = (uuid: string): boolean => new Set(uuid.replaceAll('-', '')).size === 1;

/**
 * A CodeConnections connection ARN. Connections made before the service's rename carry the old
 * `codestar-connections` service name; CodePipeline accepts both.
 */
const CONNECTION_ARN =
  /^arn:aws:(?:codeconnections|codestar-connections):(?<region>[a-z]{2}(?:-[a-z]+)+-\d):(?<account>\d{12}):connection\/(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const PipelineConfigSchema = z
  .strictObject({
    /** The pipeline account's 12-digit id: CodePipeline, CodeBuild and the artifact bucket live there. */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-2'),
    /** The repository the pipeline builds, as `owner/name` on the connection's provider. */
    repository: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/, 'must be the repository as owner/name, e.g. essex-ics/jointly')
      .refine((repository) => !/^(owner|example|your-org|my-org)\//i.test(repository), {
        message: 'is a placeholder: commit the real owner/name',
      }),
    /** The branch every change reaches production through; a push to it starts the pipeline. */
    branch: z.string().regex(/^(?!\/|.*\/\/|.*\.\.|.*\/$)[A-Za-z0-9._/-]+$/, 'must be a branch name such as main (no spaces, no "..")'),
    /**
     * The CodeConnections connection (console: Developer Tools → Settings → Connections), made
     * once in the pipeline account and region and approved in the provider; its ARN is not a secret.
     */
    connectionArn: z
      .string()
      .regex(
        CONNECTION_ARN,
        'must be a CodeConnections connection ARN such as arn:aws:codeconnections:eu-west-2:<account>:connection/<uuid>',
      ),
  })
  .superRefine((config, ctx) => {
    if (PLACEHOLDER_ACCOUNTS.has(config.account)) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'is a placeholder account id: commit the pipeline account' });
    }
    const match = CONNECTION_ARN.exec(config.connectionArn)?.groups;
    if (match === undefined) return;
    if (PLACEHOLDER_ACCOUNTS.has(match['account']!) || isPlaceholderUuid(match['id']!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectionArn'],
        message: 'is a placeholder: create the connection (docs/deployment-pipeline.md) and commit its ARN',
      });
    } else if (match['account'] !== config.account || match['region'] !== config.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectionArn'],
        message: `must be a connection of the pipeline account in its region (${config.account}, ${config.region}): CodePipeline uses only its own`,
      });
    }
  });

/** The pipeline's validated configuration. */
export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;

/** Thrown when the pipeline's configuration is unusable; the message is one sentence. */
export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}

/**
 * The committed configuration. The connection ARN is a stand-in of the right shape, like the
 * committed account ids: replace it with the real one once the connection exists.
 */
export const PIPELINE_DEFAULTS: z.input<typeof PipelineConfigSchema> = {
  account: PIPELINE_ACCOUNT.account,
  region: PIPELINE_ACCOUNT.region,
  repository: 'essex-ics/jointly',
  branch: 'main',
  connectionArn: `arn:aws:codeconnections:${PIPELINE_ACCOUNT.region}:${PIPELINE_ACCOUNT.account}:connection/7c2e4a1b-93d5-4f08-b6e2-5a9d13c8f047`,
};

/**
 * Validates a raw pipeline configuration; throws a `PipelineConfigError` naming the first
 * invalid field, e.g. `Invalid pipeline configuration at branch: must be a branch name such as main.`
 */
export const parsePipelineConfig = (raw: unknown): PipelineConfig => {
  const result = PipelineConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'configuration';
  const message = (issue?.message ?? 'invalid value').replace(/\.$/, '');
  throw new PipelineConfigError(`Invalid pipeline configuration at ${field}: ${message}.`);
};

/** The committed pipeline configuration, validated. */
export const loadPipelineConfig = (): PipelineConfig => parsePipelineConfig(PIPELINE_DEFAULTS);

/** The stages the pipeline promotes one assembly through, in order. */
export const PIPELINE_STAGES: readonly StageName[] = STAGES;

/**
 * The Secrets Manager secret, in the pipeline account, holding what a stage's smoke step signs
 * in and listens with (docs/deployment-pipeline.md "The smoke step"): one JSON object with the
 * keys of `SMOKE_SECRET_KEYS`.
 */
export const smokeSecretNameOf = (stage: StageName): string => `jointly-pipeline/smoke-${stage}`;

/**
 * The keys of a smoke secret and the environment variable the smoke step receives each in:
 * the three smoke users' sign-in names and passwords, and the webhook receiver ops run.
 */
export const SMOKE_SECRET_KEYS = {
  SMOKE_PROVIDE_USERNAME: 'provideUsername',
  SMOKE_PROVIDE_PASSWORD: 'providePassword',
  SMOKE_ECC_USERNAME: 'eccUsername',
  SMOKE_ECC_PASSWORD: 'eccPassword',
  SMOKE_PM_USERNAME: 'pmUsername',
  SMOKE_PM_PASSWORD: 'pmPassword',
  SMOKE_WEBHOOK_URL: 'webhookUrl',
  SMOKE_WEBHOOK_SECRET: 'webhookSecret',
} as const;

/**
 * The `cdk-assets` version the pipeline's asset publishing runs (CDK Pipelines would otherwise
 * take whatever is latest on the day): raise it by a reviewed commit, like every other tool.
 */
export const CDK_ASSETS_VERSION = '4.7.3';
