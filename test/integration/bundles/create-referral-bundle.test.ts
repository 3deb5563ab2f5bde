/**
 * The deployed artefact, not the source: CDK bundles the referral slice's function (which
 * serves `createReferral`) exactly as it does for a deployment (a `JointlyFunction`, local esbuild, the aliases of
 * infra/bundling/aliases.ts), and a fresh `node` imports that bundle and invokes its
 * handler with an API Gateway event, against DynamoDB Local.
 *
 * As in Lambda, the bundle is given no credentials in code: the endpoint comes from
 * `AWS_ENDPOINT_URL_DYNAMODB` (not the local runtime's `DYNAMODB_ENDPOINT`, which makes
 * the clients use fixed local credentials), so the SDK clients resolve credentials
 * through their default provider, which in the bundle is the aliased environment chain.
 * A 201 and the stored referral prove it signs real requests; without environment
 * credentials the same bundle fails at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetCommand } from '#shared/platform/dynamodb/document-client.ts';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '#infra/config/stage-config.ts';
import { JointlyFunction } from '#infra/constructs/jointly-function.ts';
import { importEnvironment } from '#scripts/bundle-measure.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { httpEvent, practitionerClaims } from '#test/support/http-event.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

/** Imports the bundle, invokes its handler once with the event in PROBE_EVENT, prints the result last. */
const PROBE = `
const { handler } = await import(process.argv[2]);
const context = {
  functionName: 'jointly-bundle-test', functionVersion: '$LATEST', memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:jointly-bundle-test',
  awsRequestId: 'bundle-test-request', logGroupName: '/aws/lambda/jointly-bundle-test', logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30000,
};
const result = await handler(JSON.parse(process.env.PROBE_EVENT), context);
process.stdout.write('\\nPROBE_RESULT ' + JSON.stringify(result) + '\\n');
process.exit(0);
`;

let table: TestTable;
let workDir: string;
let bundle: string;
let probe: string;

/**
 * Runs the bundle's handler on a POST /referrals in a fresh node; its result and output.
 * With an `Idempotency-Key`, Powertools idempotency is loaded from its lazy chunk and writes its record too.
 */
const invokeBundle = (env: Record<string, string>, idempotencyKey?: string) => {
  const event = httpEvent({
    method: 'POST',
    path: '/referrals',
    routeKey: 'POST /referrals',
    headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: { toOrg: 'ecc', serviceArea: 'crisis-prevention', priority: 'soon', subject: { localId: 'MOS-7' }, reason: 'Carer breakdown' },
    claims: practitionerClaims(),
  });
  const child = spawnSync(process.execPath, [probe, pathToFileURL(bundle).href], {
    cwd: path.dirname(bundle),
    env: { ...env, PROBE_EVENT: JSON.stringify(event) },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('PROBE_RESULT '));
  if (child.status !== 0 || !line) throw new Error(`The bundle failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  return {
    result: JSON.parse(line.slice('PROBE_RESULT '.length)) as { statusCode: number; body?: string },
    output: child.stdout + child.stderr,
  };
};

/** The environment of a deployed function on this table: credentials only in the environment. */
const lambdaEnvironment = (): Record<string, string> => {
  const { DYNAMODB_ENDPOINT: _local, AWS_SESSION_TOKEN: _token, ...env } = importEnvironment('createReferral');
  return {
    ...env,
    JOINTLY_TABLE_NAME: table.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // No shared config or credential files: only what a Lambda has.
    AWS_CONFIG_FILE: path.join(workDir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'no-credentials'),
  };
};

beforeAll(async () => {
  table = await createTestTable('bundle');
  workDir = mkdtempSync(path.join(tmpdir(), 'jointly-bundle-test-'));
  // Bundling is on (no aws:cdk:bundling-stacks context): CDK runs esbuild as for a deployment.
  const app = new App({ outdir: path.join(workDir, 'cdk.out') });
  new JointlyFunction(new Stack(app, 'BundleProbe'), 'CreateReferral', {
    entry: 'functions/api/referrals/handler.ts',
    stageConfig: loadStageConfig('dev', { env: {} }),
  });
  const assets = readdirSync(app.outdir).filter((name) => name.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  bundle = path.join(app.outdir, assets[0]!, 'index.mjs');
  probe = path.join(workDir, 'probe.mjs');
  writeFileSync(probe, PROBE);
});

afterAll(async () => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  await table?.drop();
});

describe('the createReferral bundle CDK builds', () => {
  it('carries the Lambda credential chain instead of the SDK default chain', () => {
    // Prepare: the entry and every chunk, lazy ones included.
    const code = readdirSync(path.dirname(bundle), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => readFileSync(path.join(path.dirname(bundle), file), 'utf8'))
      .join('\n');

    // Assess: the log messages of the default chain's providers, which survive minification.
    expect(code).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI');
    expect(code).not.toContain('@aws-sdk/credential-provider-node - defaultProvider');
    expect(code).not.toContain('@aws-sdk/credential-provider-ini - fromIni');
    expect(code).not.toContain('@aws-sdk/credential-provider-sso - fromSSO');
  });

  it('creates a referral (201), both its clients signing with the environment credentials', async () => {
    // Act
    const { result } = invokeBundle(lambdaEnvironment(), 'bundle-create-1');

    // Assess
    expect(result.statusCode).toBe(201);
    const { id } = JSON.parse(result.body!) as { id: string };
    const { Item } = await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: referralKeys.referral(id) }));
    expect(Item).toMatchObject({ id, toOrg: 'ecc', status: 'submitted' });
    // The same key again, in another cold process: Powertools (its lazy chunk) replays the first answer.
    const replay = invokeBundle(lambdaEnvironment(), 'bundle-create-1').result;
    expect(replay.statusCode).toBe(201);
    expect((JSON.parse(replay.body!) as { id: string }).id).toBe(id);
  });

  it('fails the request, with no file or metadata lookups, when the environment has no credentials', () => {
    // Prepare
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = lambdaEnvironment();

    // Act
    const started = performance.now();
    const { result, output } = invokeBundle(env);

    // Assess: the handler's log names the error (never its message).
    expect(result.statusCode).toBe(500);
    expect(output).toContain('"errorName":"CredentialsProviderError"');
    // The SDK default chain would try the instance metadata service first (≥ 1 s timeouts).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
