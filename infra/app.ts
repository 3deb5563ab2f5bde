/**
 * The CDK app entry point (`cdk.json`: `node infra/app.ts`).
 *
 *   npm run synth -- --stage prod      (or -c stage=prod)
 *   npm run diff -- --stage staging
 *   npm run deploy -- --stage dev      (scripts/cdk.ts: adds --all and -c stage=dev)
 *
 * The stage comes from `-c stage=` (default `dev`); see infra/config/stage-config.ts.
 */
import { buildApp } from './build-app.ts';
import { StageConfigError } from './config/stage-config.ts';

try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof StageConfigError)) throw error;
  // A configuration mistake: one clear sentence, not a stack trace.
  console.error(error.message);
  process.exitCode = 1;
}
