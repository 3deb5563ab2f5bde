/**
 * `npm run stateful-snapshot`: synthesizes every stage (bundling skipped) and rewrites
 * infra/stateful-snapshot.json, the committed record of each stateful resource's logical id and
 * replacement-prone properties (infra/stateful-resources.ts) that the replacement check
 * (test/infra/replacement-guard.test.ts) compares every synth against. Run it only to accept a
 * deliberate change, and commit the snapshot with it so the review sees the diff.
 *
 * `npm run stateful-snapshot -- --stack-policies [--stage prod] [--out dir]` instead writes each
 * stack's policy (infra/stack-policy.ts) to `<dir>/<stack>.stack-policy.json` (default
 * `cdk.out/stack-policies`), for `aws cloudformation set-stack-policy`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../infra/build-app.ts';
import { STAGES } from '../infra/config/stage-config.ts';
import { REPO_ROOT } from '../infra/constructs/jointly-function.ts';
import { stackPolicyOf } from '../infra/stack-policy.ts';
import { type CfnTemplate, type StackStatefulRecords, type StatefulSnapshot, statefulRecordsOf } from '../infra/stateful-resources.ts';

/** Where the committed snapshot lives. */
export const SNAPSHOT_PATH = path.join(REPO_ROOT, 'infra', 'stateful-snapshot.json');

const synthesized = new Map<string, Readonly<Record<string, CfnTemplate>>>();

/**
 * Every stack of a stage, synthesized with bundling and cdk-nag skipped: templates by stack
 * name. Once per stage and process (the infra tests share a worker): treat them as read-only.
 */
export const synthesizeStage = (stage: string): Readonly<Record<string, CfnTemplate>> => {
  const cached = synthesized.get(stage);
  if (cached) return cached;
  const assembly = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false }).app.synth();
  const templates = Object.freeze(Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template as CfnTemplate])));
  synthesized.set(stage, templates);
  return templates;
};

/** A stage's stateful records by stack name (stacks without any are left out). */
export const stageRecordsOf = (templates: Readonly<Record<string, CfnTemplate>>): Record<string, StackStatefulRecords> =>
  Object.fromEntries(
    Object.entries(templates)
      .map(([stack, template]) => [stack, statefulRecordsOf(template)] as const)
      .filter(([, records]) => Object.keys(records).length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** The committed snapshot. */
export const readSnapshot = (): StatefulSnapshot => JSON.parse(readFileSync(SNAPSHOT_PATH, 'utf8')) as StatefulSnapshot;

const writeSnapshot = (): void => {
  const snapshot = Object.fromEntries(STAGES.map((stage) => [stage, stageRecordsOf(synthesizeStage(stage))]));
  writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(snapshot, null, 2)}\n`);
  console.log(`Wrote ${path.relative(REPO_ROOT, SNAPSHOT_PATH)} (${STAGES.join(', ')}): commit it with the change it accepts.`);
};

const writeStackPolicies = (stages: readonly string[], out: string): void => {
  mkdirSync(out, { recursive: true });
  for (const stage of stages) {
    for (const [stack, template] of Object.entries(synthesizeStage(stage))) {
      const file = path.join(out, `${stack}.stack-policy.json`);
      writeFileSync(file, `${JSON.stringify(stackPolicyOf(template), null, 2)}\n`);
      console.log(
        `aws cloudformation set-stack-policy --stack-name ${stack} --stack-policy-body file://${path.relative(process.cwd(), file)}`,
      );
    }
  }
};

const main = (): void => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'stack-policies': { type: 'boolean', default: false },
      stage: { type: 'string' },
      out: { type: 'string', default: path.join(REPO_ROOT, 'cdk.out', 'stack-policies') },
    },
  });
  if (!values['stack-policies']) {
    if (values.stage) throw new Error('--stage goes with --stack-policies: the snapshot always covers every stage.');
    writeSnapshot();
    return;
  }
  const stages = values.stage ? [values.stage] : [...STAGES];
  writeStackPolicies(stages, path.resolve(values.out));
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
