/**
 * Builds the Jointly CDK app for one stage: the data, events, API and console stacks, tags,
 * and the cdk-nag rule packs. `infra/app.ts` (the CLI entry point) and the infra tests both call
 * it, so the tests assert exactly what `cdk synth` produces.
 *
 * The stacks themselves come from `addStageStacks`, which builds them into any CDK `Stage`: the
 * CLI's `App` here, or one of the delivery pipeline's stages (infra/pipeline/jointly-stage.ts),
 * so the pipeline deploys the very stacks, names and tags that `npm run deploy` does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type Stage, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig } from './config/stage-config.ts';
import { REPO_ROOT } from './constructs/jointly-function.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ConsoleStack } from './stacks/console-stack.ts';
import { CONSOLE_BASE_PATH } from './console/console-site.ts';
import { EventsStack } from './stacks/events-stack.ts';
import { DataStack } from './stacks/data-stack.ts';

/** Options of `buildApp`. */
export interface BuildAppOptions {
  /** The stage to build; default: the `stage` context (`-c stage=...`), else `dev`. */
  readonly stage?: string;
  /**
   * Extra context, over `cdk.json`'s (e.g. `{'aws:cdk:bundling-stacks': []}` to skip
   * esbuild in tests). The CLI's `-c` values still win.
   */
  readonly context?: Record<string, unknown>;
  /** Register the cdk-nag packs (AwsSolutions, Serverless, HIPAA.Security). @default true */
  readonly nag?: boolean;
}

/** The four stacks of one stage and the configuration they were built from. */
export interface StageStacks {
  readonly config: StageConfig;
  readonly data: DataStack;
  readonly events: EventsStack;
  readonly api: ApiStack;
  readonly console: ConsoleStack;
}

/** The app and its stacks. */
export interface JointlyApp extends StageStacks {
  readonly app: App;
}

/** Context key holding per-deployment overrides of a stage's checked-in config. */
export const CONFIG_OVERRIDES_CONTEXT = 'jointly:config';

/** `cdk.json`'s context, read here too so an app built in a test or script sees the same feature flags as the CLI's. */
export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
};

const overridesFrom = (value: unknown): Record<string, unknown> | undefined => {
  if (value === undefined) return undefined;
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Context '${CONFIG_OVERRIDES_CONTEXT}' must be a JSON object of stage config overrides.`);
  }
  return parsed as Record<string, unknown>;
};

/**
 * The `DataClass` tag of each stack: the most sensitive data its resources may hold in any
 * stage (a dev stage holds synthetic data only; its `Stage` tag says so). Records about people
 * (NHS number, name, reason for referral) live in the table, pass through the event queues
 * and their dead-letter queues, and through the API's functions and the user pool (staff);
 * the console stack holds only the public single-page app's files.
 */
export const DATA_CLASS_OF = {
  data: 'personal-health-social-care',
  events: 'personal-health-social-care',
  api: 'personal-health-social-care',
  console: 'public',
} as const satisfies Record<'data' | 'events' | 'api' | 'console', string>;

/** The project's cost-allocation tag value (`Project`). */
export const PROJECT_TAG = 'Jointly';

/** `dev` → `Dev`: stack names (and the pipeline's stage names) carry the stage. */
export const titleCaseOf = (stage: string): string => stage.charAt(0).toUpperCase() + stage.slice(1);

/** The prefix of every stack name of a stage: `Jointly-Dev`. */
export const stackPrefixOf = (stage: string): string => `Jointly-${titleCaseOf(stage)}`;

/**
 * Builds one stage's four stacks, their dependencies and tags into `scope`: the CLI's `App`
 * or a pipeline `Stage`. Each stack's name is given explicitly, so it is `Jointly-<Stage>-<Part>`
 * in both (a stack inside a nested `Stage` would otherwise be named after the stage's path).
 */
export const addStageStacks = (scope: Stage, config: StageConfig): StageStacks => {
  const env = { account: config.account, region: config.region };
  const prefix = stackPrefixOf(config.stage);

  const data = new DataStack(scope, `${prefix}-Data`, {
    stackName: `${prefix}-Data`,
    stageConfig: config,
    env,
    description: `Jointly ${config.stage}: KMS key and the single DynamoDB table`,
    terminationProtection: config.deletionProtection,
  });
  const events = new EventsStack(scope, `${prefix}-Events`, {
    stackName: `${prefix}-Events`,
    stageConfig: config,
    table: data.table,
    key: data.key,
    webhookSecretKeyArn: data.webhookSecretKey.keyArn,
    env,
    description: `Jointly ${config.stage}: stream publisher, event bus, fan-out and delivery workers, SLA sweep, alarms`,
    terminationProtection: config.deletionProtection,
  });
  events.addStackDependency(data, 'the event path reads the table stream and writes alerts');
  const api = new ApiStack(scope, `${prefix}-Api`, {
    stackName: `${prefix}-Api`,
    stageConfig: config,
    table: data.table,
    key: data.key,
    subjectHashKeySecretArn: data.subjectHashKey.secretArn,
    events: {
      deliveryQueue: events.queues.get('deliveries')!,
      sealKeyArn: data.key.keyArn,
      webhookSecretKeyArn: data.webhookSecretKey.keyArn,
    },
    monitoring: { alarmTopic: events.alarmTopic, eventPath: events.monitoring },
    env,
    description: `Jointly ${config.stage}: Cognito, HTTP API, API functions, their alarms and the stage dashboard`,
    terminationProtection: config.deletionProtection,
  });
  api.addStackDependency(data, 'the API reads the table and logs with the stage key');
  api.addStackDependency(events, 'subscription redrive sends to the delivery queue; alarms notify the stage topic');
  const consoleStack = new ConsoleStack(scope, `${prefix}-Console`, {
    stackName: `${prefix}-Console`,
    stageConfig: config,
    siteBucketExport: api.siteBucketExport,
    consoleConfig: {
      auth: { kind: 'cognito', domain: api.loginOrigin, clientId: api.consoleClient.userPoolClientId, redirectPath: CONSOLE_BASE_PATH },
    },
    key: data.key,
    env,
    description: `Jointly ${config.stage}: the console's files (the build and its config.json) in the site bucket`,
    terminationProtection: config.deletionProtection,
  });
  consoleStack.addStackDependency(api, 'the files go into the API stack’s site bucket, and config.json names its console client');

  // Cost-allocation tags (activated once per account in the Billing console): the stage budget
  // filters on `Stage`. `scope` holds this stage's stacks only (an app or a pipeline stage).
  Tags.of(scope).add('Project', PROJECT_TAG);
  Tags.of(scope).add('Stage', config.stage);
  for (const [stack, dataClass] of [
    [data, DATA_CLASS_OF.data],
    [events, DATA_CLASS_OF.events],
    [api, DATA_CLASS_OF.api],
    [consoleStack, DATA_CLASS_OF.console],
  ] as const) {
    Tags.of(stack).add('DataClass', dataClass);
  }
  return { config, data, events, api, console: consoleStack };
};

/**
 * Registers the cdk-nag packs (AwsSolutions, Serverless, HIPAA.Security) on an app. They walk
 * the whole construct tree from the app's root, nested pipeline stages included, so an app
 * registers them once.
 */
export const addNagPacks = (app: App): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new HIPAASecurityChecks(app));
};

/** Builds the app for one stage; throws one clear sentence on an unknown stage or bad config. */
export const buildApp = (options: BuildAppOptions = {}): JointlyApp => {
  const app = new App({ context: { ...cdkJsonContext(), ...options.context } });
  const requested = options.stage ?? (app.node.tryGetContext('stage') as string | undefined);
  const config = loadStageConfig(requested, {
    overrides: overridesFrom(app.node.tryGetContext(CONFIG_OVERRIDES_CONTEXT)),
  });
  const stacks = addStageStacks(app, config);
  if (options.nag ?? true) addNagPacks(app);
  return { app, ...stacks };
};
