/**
 * The delivery pipeline (docs/deployment-pipeline.md), in the pipeline account: CDK Pipelines'
 * `CodePipeline`, which
 *
 * 1. checks out the branch through a CodeConnections connection,
 * 2. synthesizes the whole app once (`npm ci && npx cdk synth` of infra/pipeline-app.ts),
 * 3. updates itself from that assembly, then publishes every stage's assets,
 * 4. deploys the same assembly to dev, then staging, then prod, each stage in its own account
 *    through the deploy roles its bootstrap trusts the pipeline account with, and after each
 *    deploy runs `npm run smoke` against that stage (infra/pipeline/smoke-step.ts),
 * 5. waits for a person's approval before prod's deploy.
 *
 * Cross-account keys: the artifact bucket is encrypted with a customer-managed KMS key whose
 * policy lets the stage accounts' deploy roles read the assembly, so a stage account reads the
 * templates and nothing else of the pipeline account.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep, StageDeployment } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { titleCaseOf } from '../build-app.ts';
import { REPO_ROOT } from '../constructs/jointly-function.ts';
import { CDK_ASSETS_VERSION, type PipelineConfig } from './pipeline-config.ts';
import type { JointlyStage } from './jointly-stage.ts';
import { hardenPipeline } from './pipeline-hardening.ts';
import { smokeStepOf } from './smoke-step.ts';

/** The pipeline's entry point, which its synth step runs with `cdk synth --app`. */
export const PIPELINE_APP_COMMAND = 'node infra/pipeline-app.ts';

/**
 * The synth step's commands: one synth of the whole app, whose assembly every stage deploys.
 * `cdk.json`'s own `app` stays the single-stage app that `npm run deploy` runs.
 */
export const SYNTH_COMMANDS: readonly string[] = ['npm ci', `npx cdk synth --app "${PIPELINE_APP_COMMAND}"`];

/** The name of the prod stage's approval step (and of its action in the pipeline). */
export const PROD_APPROVAL_ID = 'ApproveProd';

/** The CodePipeline pipeline's name. */
export const PIPELINE_NAME = 'jointly';

/**
 * The CDK CLI version of `package.json`: the pipeline's self-update runs the CLI the developers
 * run, not whatever is latest on the day.
 */
export const cdkCliVersionOf = (): string => {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const version = manifest.devDependencies?.['aws-cdk'];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin aws-cdk to an exact version for the pipeline (found '${version ?? 'none'}').`);
  }
  return version;
};

/** Props of `PipelineStack`. */
export interface PipelineStackProps extends Omit<StackProps, 'env'> {
  /** Where the pipeline runs and what it builds. */
  readonly pipelineConfig: PipelineConfig;
  /**
   * The stages it promotes through, in order (`addPipelineStages`); prod's deploy waits for an
   * approval. They live beside this stack, not in it, so their stacks keep the CLI app's paths.
   */
  readonly stages: readonly JointlyStage[];
}

/** The pipeline stack. */
export class PipelineStack extends Stack {
  /** The CDK Pipelines construct (built: `pipeline.pipeline` is the CodePipeline). */
  readonly pipeline: CodePipeline;
  /** The deployment stages, in promotion order. */
  readonly stages: readonly JointlyStage[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    const { pipelineConfig, stages, ...stackProps } = props;
    super(scope, id, { ...stackProps, env: { account: pipelineConfig.account, region: pipelineConfig.region } });

    const source = CodePipelineSource.connection(pipelineConfig.repository, pipelineConfig.branch, {
      connectionArn: pipelineConfig.connectionArn,
      triggerOnPush: true,
    });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: PIPELINE_NAME,
      synth: new ShellStep('Synth', { input: source, commands: [...SYNTH_COMMANDS] }),
      // The stage accounts read the assembly from the artifact bucket: it needs a customer-managed key.
      crossAccountKeys: true,
      enableKeyRotation: true,
      cliVersion: cdkCliVersionOf(),
      cdkAssetsCliVersion: CDK_ASSETS_VERSION,
      // One project publishes every asset: the app has dozens of functions, and a project per
      // asset would run into CodePipeline's limit of 50 actions per stage.
      publishAssetsInParallel: false,
      codeBuildDefaults: { buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 } },
      // Bundling every function with esbuild wants more than the smallest machine.
      synthCodeBuildDefaults: { buildEnvironment: { computeType: codebuild.ComputeType.MEDIUM } },
    });

    this.stages = stages;
    for (const stage of stages) {
      const name = titleCaseOf(stage.stacks.config.stage);
      // A nested stage's own name carries its parents' (`Dev-Staging`): the deployment is named
      // after the stage alone, in a wave of its own, as `addStage` would for a top-level stage.
      this.pipeline.addWave(name).stages.push(
        StageDeployment.fromStage(stage, {
          stageName: name,
          pre:
            stage.stacks.config.stage === 'prod'
              ? [
                  new ManualApprovalStep(PROD_APPROVAL_ID, {
                    comment: 'Promote this assembly to prod: staging deployed it and its smoke test passed.',
                  }),
                ]
              : [],
          post: [smokeStepOf({ stage, input: source })],
        }),
      );
    }
    this.pipeline.buildPipeline();
    hardenPipeline(this, this.pipeline);
  }
}
