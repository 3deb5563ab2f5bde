/**
 * The delivery pipeline's CDK app (docs/deployment-pipeline.md): one stack, `Jointly-Pipeline`,
 * in the pipeline account, holding the pipeline, and beside it the stages it deploys, each with
 * that stage's stacks.
 *
 *   npx cdk deploy --app "node infra/pipeline-app.ts" Jointly-Pipeline   (once, by hand)
 *
 * After that first deploy the pipeline updates itself from each commit; its synth step runs this
 * app too, so a stage's stacks are synthesized once and the same templates promoted through
 * dev, staging and prod.
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addNagPacks, cdkJsonContext } from './build-app.ts';
import { PIPELINE_ACCOUNT } from './config/accounts.ts';
import { loadStageConfig, StageConfigError } from './config/stage-config.ts';
import { loadPipelineConfig, PIPELINE_STAGES, PipelineConfigError } from './pipeline/pipeline-config.ts';
import { addPipelineStages } from './pipeline/jointly-stage.ts';
import { PipelineStack } from './pipeline/pipeline-stack.ts';

/** The pipeline stack's name. */
export const PIPELINE_STACK_NAME = 'Jointly-Pipeline';

/** Options of `buildPipelineApp`. */
export interface BuildPipelineAppOptions {
  /** Extra context over `cdk.json`'s (tests skip esbuild with `{'aws:cdk:bundling-stacks': []}`). */
  readonly context?: Record<string, unknown>;
  /** Register the cdk-nag packs (AwsSolutions, Serverless, HIPAA.Security). @default true */
  readonly nag?: boolean;
}

/** The app and its pipeline stack. */
export interface PipelineApp {
  readonly app: App;
  readonly stack: PipelineStack;
}

/** Builds the pipeline app from the committed pipeline and stage configurations. */
export const buildPipelineApp = (options: BuildPipelineAppOptions = {}): PipelineApp => {
  const app = new App({ context: { ...cdkJsonContext(), ...options.context } });
  // Each stage's committed config, without the CLI's `jointly:config` overrides: what the
  // pipeline promotes is what was reviewed.
  const stages = addPipelineStages(
    app,
    PIPELINE_STAGES.map((stage) => loadStageConfig(stage)),
  );
  const stack = new PipelineStack(app, PIPELINE_STACK_NAME, {
    stackName: PIPELINE_STACK_NAME,
    pipelineConfig: loadPipelineConfig(),
    stages,
    description: `Jointly delivery pipeline (account ${PIPELINE_ACCOUNT.account}): one synth, promoted dev → staging → prod`,
    terminationProtection: true,
  });
  if (options.nag ?? true) addNagPacks(app);
  return { app, stack };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildPipelineApp().app.synth();
  } catch (error) {
    if (!(error instanceof StageConfigError) && !(error instanceof PipelineConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
