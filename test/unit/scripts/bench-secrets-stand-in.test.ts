import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRuntimeConfig } from '#shared/platform/config/runtime-config.ts';
import { loadApiSecrets } from '#shared/platform/config/secrets.ts';
import {
  answerSecretsRequest,
  GET_SECRET_VALUE_TARGET,
  startSecretsStandIn,
  type SecretsStandIn,
} from '#scripts/bench/secrets-stand-in.ts';

const CURSOR = {
  arn: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:jointly-prod/cursor-key-Vb3Np8',
  name: 'jointly-prod/cursor-key',
  value: 'c'.repeat(64),
};
const SUBJECT = {
  arn: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:jointly-prod/subject-hash-key-Qx7Lm2',
  name: 'jointly-prod/subject-hash-key',
  value: 's'.repeat(64),
};

describe('answerSecretsRequest', () => {
  it('answers GetSecretValue by ARN as the service does (AWS JSON 1.1)', () => {
    // Prepare
    const body = JSON.stringify({ SecretId: CURSOR.arn });

    // Act
    const reply = answerSecretsRequest('POST', GET_SECRET_VALUE_TARGET, body, [SUBJECT, CURSOR], new Date('2026-12-01T00:00:00Z'));

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(reply.body)).toEqual({
      ARN: CURSOR.arn,
      Name: CURSOR.name,
      VersionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      SecretString: CURSOR.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_796_083_200,
    });
    expect(reply.secretArn).toBe(CURSOR.arn);
  });

  it('finds a secret by its name too', () => {
    // Act
    const reply = answerSecretsRequest('POST', GET_SECRET_VALUE_TARGET, JSON.stringify({ SecretId: SUBJECT.name }), [SUBJECT, CURSOR]);

    // Assess
    expect(JSON.parse(reply.body).SecretString).toBe(SUBJECT.value);
  });

  it.each([
    ['another operation', 'POST', 'secretsmanager.ListSecrets', '{}', 'UnknownOperationException'],
    ['a GET', 'GET', GET_SECRET_VALUE_TARGET, '', 'UnknownOperationException'],
    ['a body that is not JSON', 'POST', GET_SECRET_VALUE_TARGET, '{', 'SerializationException'],
    ['no SecretId', 'POST', GET_SECRET_VALUE_TARGET, '{}', 'ValidationException'],
    ['an unknown secret', 'POST', GET_SECRET_VALUE_TARGET, '{"SecretId":"nope"}', 'ResourceNotFoundException'],
  ])('refuses %s with the service’s error type', (_what, method, target, body, type) => {
    // Act
    const reply = answerSecretsRequest(method, target, body, [CURSOR]);

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.headers['x-amzn-errortype']).toBe(type);
    expect(JSON.parse(reply.body).__type).toBe(type);
    expect(reply.secretArn).toBeUndefined();
  });
});

describe('the stand-in behind the SDK’s endpoint variable', () => {
  let standIn: SecretsStandIn | undefined;

  afterEach(async () => {
    vi.unstubAllEnvs();
    await standIn?.stop();
  });

  it('serves production’s secret loader, reached through AWS_ENDPOINT_URL_SECRETS_MANAGER, and counts each read', async () => {
    // Prepare: no key in the environment, only the ARN variables, as in a deployed function.
    standIn = await startSecretsStandIn([SUBJECT, CURSOR]);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', standIn.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-2');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIASTANDINTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'stand-in-test');
    const env = { JOINTLY_SUBJECT_HASH_KEY_ARN: SUBJECT.arn, JOINTLY_CURSOR_KEY_ARN: CURSOR.arn };

    // Act
    const secrets = await loadApiSecrets(loadRuntimeConfig({}), ['subjectHashKey', 'cursorKey'], env);

    // Assess
    expect(secrets).toEqual({ subjectHashKey: SUBJECT.value, cursorKey: CURSOR.value });
    expect(standIn.takeReads().sort()).toEqual([CURSOR.arn, SUBJECT.arn].sort());
    expect(standIn.takeRefusals()).toEqual([]);
    expect(standIn.takeReads()).toEqual([]);
  });
});
