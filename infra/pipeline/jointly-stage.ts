/**
 * One deployment stage of the delivery pipeline (dev, staging or prod): a CDK `Stage` holding
 * that stage's four stacks, built by the same `addStageStacks` as `npm run deploy`, so the
 * pipeline deploys exactly the stacks, names and tags a hand deploy would.
 */
import { type App, CfnOutput, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addStageStacks, type StageStacks, titleCaseOf } from '../build-app.ts';
import type { StageConfig } from '../config/stage-config.ts';

/** Props of `JointlyStage`. */
export interface JointlyStageProps extends Omit<StageProps, 'env' | 'stageName'> {
  /** The stage's validated configuration: its account, region and every setting of its stacks. */
  readonly stageConfig: StageConfig;
}

/** The API stack outputs the smoke step reads. */
export interface SmokeOutputs {
  /** `ConsoleUrl`: `<the stage's public origin>/console/`; the API is served on the same origin. */
  readonly consoleUrl: CfnOutput;
  /** `UserPoolId`: the pool the smoke users sign in to. */
  readonly userPoolId: CfnOutput;
  /** `UserPoolClientId`: the API's app client, the only one allowing SRP sign-in. */
  readonly userPoolClientId: CfnOutput;
}

/** The construct id of each `CfnOutput` the smoke step needs, in the API stack. */
const SMOKE_OUTPUT_IDS = { consoleUrl: 'ConsoleUrl', userPoolId: 'UserPoolId', userPoolClientId: 'UserPoolClientId' } as const;

/**
 * The construct id of every pipeline stage. CDK names some things after a construct's whole
 * path: event source mappings' and Lambda permissions' logical ids, queue policy statement ids,
 * CloudFront origin ids. Its unique ids leave out any path component named `Default`, so stages
 * with this id, nested one inside the other (`addPipelineStages`), put each stack at the very
 * path it has in the CLI's app, and the pipeline's templates equal `npm run deploy`'s to the
 * byte. Any other id would rename those resources, and a stage deployed once by hand and once by
 * the pipeline would have its stream mappings replaced.
 */
export const STAGE_CONSTRUCT_ID = 'Default';

/**
 * A pipeline stage: the stage's stacks in its own account and region. Its name in the pipeline
 * is the stage's name in title case (`Dev`, `Staging`, `Prod`).
 */
export class JointlyStage extends Stage {
  /** The stacks, as `buildApp` returns them for the CLI. */
  readonly stacks: StageStacks;
  /** The outputs the stage's smoke step receives as environment variables. */
  readonly smokeOutputs: SmokeOutputs;

  constructor(scope: Construct, props: JointlyStageProps) {
    const { stageConfig, ...stageProps } = props;
    super(scope, STAGE_CONSTRUCT_ID, {
      ...stageProps,
      stageName: titleCaseOf(stageConfig.stage),
      env: { account: stageConfig.account, region: stageConfig.region },
    });
    this.stacks = addStageStacks(this, stageConfig);
    this.smokeOutputs = {
      consoleUrl: apiOutput(this.stacks, SMOKE_OUTPUT_IDS.consoleUrl),
      userPoolId: apiOutput(this.stacks, SMOKE_OUTPUT_IDS.userPoolId),
      userPoolClientId: apiOutput(this.stacks, SMOKE_OUTPUT_IDS.userPoolClientId),
    };
  }
}

/**
 * Builds one pipeline stage per config, in promotion order, each nested in the one before and
 * the first in `app` (see `STAGE_CONSTRUCT_ID` for why). Nesting changes nothing else: a stage's
 * tags and aspects stop at a nested stage, and each stage synthesizes to its own assembly.
 */
export const addPipelineStages = (app: App, stageConfigs: readonly StageConfig[]): JointlyStage[] => {
  const stages: JointlyStage[] = [];
  for (const stageConfig of stageConfigs) stages.push(new JointlyStage(stages.at(-1) ?? app, { stageConfig }));
  return stages;
};

/**
 * An output of the API stack by construct id. The API stack declares its outputs for operators
 * (`cdk deploy` prints them); reading them here keeps one declaration, and a renamed output
 * stops the pipeline's synth instead of feeding the smoke step an empty variable.
 */
const apiOutput = (stacks: StageStacks, id: string): CfnOutput => {
  const output = stacks.api.node.tryFindChild(id);
  if (!(output instanceof CfnOutput)) throw new Error(`The API stack has no output '${id}', which the pipeline's smoke step reads.`);
  return output;
};
