/**
 * The step after each stage's deploy: `npm run smoke` against that stage's public address, as
 * ops run it by hand (docs/operations-deploy-checks.md), in a CodeBuild project of the pipeline
 * account.
 *
 * What it receives, and from where (docs/deployment-pipeline.md "The smoke step"):
 * - the stage's address, user pool and app client: the API stack's outputs, which CDK
 *   Pipelines reads from the deploy action just before (`envFromCfnOutputs`);
 * - the three smoke users' names and passwords and the webhook receiver: the stage's smoke
 *   secret in the pipeline account's Secrets Manager, which CodeBuild resolves into variables.
 *   CodeBuild grants the project's role `GetSecretValue` on that one secret and nothing else.
 *
 * The tokens are minted in the build (infra/pipeline/smoke-sign-in.ts) and passed to the smoke
 * script in its `SMOKE_TOKEN_*` variables, never on a command line, so no log shows them.
 */
import { CodeBuildStep, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { smokeSecretNameOf, SMOKE_SECRET_KEYS } from './pipeline-config.ts';
import { SMOKE_POOL_ENV } from './smoke-sign-in.ts';
import type { JointlyStage } from './jointly-stage.ts';

/** The variable holding the stage's `ConsoleUrl` output; the API answers on the same origin. */
export const SMOKE_CONSOLE_URL_ENV = 'SMOKE_CONSOLE_URL';

/** The smoke step's id, and so its action's name in each stage. */
export const SMOKE_STEP_ID = 'Smoke';

/**
 * The smoke step's commands. `npm ci` installs the project's Node 24 (a devDependency), and
 * `node_modules/.bin` first on the path runs every `.ts` script on it, as on a developer's machine.
 * Each token is assigned on its own line: a failed sign-in fails that line, and so the build.
 */
export const SMOKE_COMMANDS: readonly string[] = [
  'npm ci',
  'export PATH="$PWD/node_modules/.bin:$PATH"',
  'SMOKE_TOKEN_PROVIDE="$(node infra/pipeline/smoke-sign-in.ts provide)"',
  'SMOKE_TOKEN_ECC="$(node infra/pipeline/smoke-sign-in.ts ecc)"',
  'SMOKE_TOKEN_PM="$(node infra/pipeline/smoke-sign-in.ts pm)"',
  'export SMOKE_TOKEN_PROVIDE SMOKE_TOKEN_ECC SMOKE_TOKEN_PM',
  `npm run smoke -- --base "\${${SMOKE_CONSOLE_URL_ENV}%/console/}"`,
];

/** Props of `smokeStepOf`. */
export interface SmokeStepProps {
  /** The stage the step follows; its API stack's outputs name the address, pool and client. */
  readonly stage: JointlyStage;
  /** The source checkout: the scripts the step runs, at the commit the stage was synthesized from. */
  readonly input: IFileSetProducer;
}

/** The smoke step of one stage. */
export const smokeStepOf = ({ stage, input }: SmokeStepProps): CodeBuildStep => {
  const secretName = smokeSecretNameOf(stage.stacks.config.stage);
  const secretVariables = Object.fromEntries(
    Object.entries(SMOKE_SECRET_KEYS).map(([variable, jsonKey]) => [
      variable,
      { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: `${secretName}:${jsonKey}` },
    ]),
  );
  return new CodeBuildStep(SMOKE_STEP_ID, {
    input,
    commands: [...SMOKE_COMMANDS],
    envFromCfnOutputs: {
      [SMOKE_CONSOLE_URL_ENV]: stage.smokeOutputs.consoleUrl,
      [SMOKE_POOL_ENV.userPoolId]: stage.smokeOutputs.userPoolId,
      [SMOKE_POOL_ENV.clientId]: stage.smokeOutputs.userPoolClientId,
    },
    buildEnvironment: { environmentVariables: secretVariables },
  });
};
