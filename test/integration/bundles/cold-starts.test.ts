/**
 * The cold-start section of `npm run bench` on two functions, one sample each: each bundle,
 * built as CDK builds it, is started in a fresh `node` with a deployed function's
 * environment, reads its HMAC keys from the Secrets Manager stand-in (the SDK reaching it
 * through `AWS_ENDPOINT_URL_SECRETS_MANAGER`), and answers a real first request against
 * DynamoDB Local, prepared through the local runtime's API.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ulid } from 'ulid';
import { startLocalRuntime, type LocalRuntime } from '#infra/local/runtime.ts';
import { measureColdStarts, type ColdStartsMeasurement } from '#scripts/bench/cold-starts.ts';
import { jsonClient, type JsonClient } from '#scripts/bench/http-client.ts';
import type { ColdStartResult } from '#scripts/bench/results.ts';
import { ENV } from '#shared/platform/config/environment.ts';

let runtime: LocalRuntime;
let api: JsonClient;
let measured: ColdStartsMeasurement;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: `cold-starts-${ulid().toLowerCase()}`,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', JOINTLY_SLA_SWEEP_SECONDS: '3600' },
  });
  api = jsonClient(runtime.url);
  measured = await measureColdStarts({
    api,
    drain: runtime.drain,
    tableName: runtime.tableName,
    dynamodbEndpoint: runtime.dynamodbEndpoint,
    secretValues: { subjectHashKey: process.env[ENV.subjectHashKey]!, cursorKey: process.env[ENV.cursorKey]! },
    runs: 1,
    warmRequests: 1,
    functions: ['referralsApi', 'subscriptionsApi'],
  });
}, 60_000);

afterAll(async () => {
  api?.close();
  await runtime?.stop();
});

describe('cold starts of real bundles', () => {
  it('answers each first request with a success: a referral created, a subscription created', () => {
    // Prepare
    const referrals = measured.result.referralsApi as ColdStartResult;
    const subscriptions = measured.result.subscriptionsApi as ColdStartResult;

    // Assess
    expect(referrals).toMatchObject({ operationId: 'createReferral', status: 201, samples: 1 });
    expect(subscriptions).toMatchObject({ operationId: 'createSubscription', status: 201, samples: 1 });
    expect(measured.functions.flatMap((f) => f.samples.flatMap((s) => s.warmStatuses))).toEqual([201, 201]);
    expect(referrals.dynamoCalls).toBeGreaterThan(0);
  });

  it('reads each secret the function declares exactly once per child, from the stand-in, and no other', () => {
    // Prepare
    const referrals = measured.result.referralsApi as ColdStartResult;
    const subscriptions = measured.result.subscriptionsApi as ColdStartResult;

    // Assess
    expect(referrals.secretReads).toEqual({ cursorKey: { min: 1, max: 1 }, subjectHashKey: { min: 1, max: 1 } });
    expect(subscriptions.secretReads).toEqual({ cursorKey: { min: 1, max: 1 } });
    expect(measured.bareNodeSamplesMs).toHaveLength(1);
  });
});
