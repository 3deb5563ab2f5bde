import { describe, expect, it } from 'vitest';
import {
  CLOSED_ENDPOINT,
  COLD_PROBE,
  coldEnvironment,
  secretsOfFunction,
  STAND_IN_SECRET_IDS,
  type ColdPlace,
} from '#scripts/bench/cold-starts.ts';

const place: ColdPlace = {
  tableName: 'jointly-bench',
  dynamodbEndpoint: 'http://127.0.0.1:8000',
  secretsEndpoint: 'http://127.0.0.1:8001',
  emptyDir: '/tmp/jointly-cold-x/empty',
};

describe('secretsOfFunction', () => {
  it('is the union of the secrets its routes declare: what CDK grants it', () => {
    // Act
    const referrals = secretsOfFunction('referralsApi');
    const subscriptions = secretsOfFunction('subscriptionsApi');
    const meta = secretsOfFunction('metaApi');

    // Assess
    expect(referrals).toEqual(['cursorKey', 'subjectHashKey']);
    expect(subscriptions).toEqual(['cursorKey']);
    expect(meta).toEqual([]);
  });
});

describe('coldEnvironment', () => {
  it('is a deployed function’s: no HMAC key and no local endpoint, the ARNs of its secrets, the SDK’s endpoint variables', () => {
    // Act
    const env = coldEnvironment('listAlerts', ['cursorKey'], { memoryMb: 1024, logLevel: 'INFO' }, place);

    // Assess
    expect(env).not.toHaveProperty('JOINTLY_SUBJECT_HASH_KEY');
    expect(env).not.toHaveProperty('JOINTLY_CURSOR_KEY');
    expect(env).not.toHaveProperty('DYNAMODB_ENDPOINT');
    expect(env).not.toHaveProperty('JOINTLY_SUBJECT_HASH_KEY_ARN');
    expect(env).toMatchObject({
      JOINTLY_CURSOR_KEY_ARN: STAND_IN_SECRET_IDS.cursorKey.arn,
      JOINTLY_TABLE_NAME: 'jointly-bench',
      AWS_ENDPOINT_URL_DYNAMODB: place.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: place.secretsEndpoint,
      AWS_ENDPOINT_URL: CLOSED_ENDPOINT,
      AWS_CONFIG_FILE: '/tmp/jointly-cold-x/empty/no-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/tmp/jointly-cold-x/empty/no-aws-credentials',
      AWS_LAMBDA_FUNCTION_NAME: 'jointly-prod-listAlerts',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_REGION: 'eu-west-2',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      JOINTLY_STAGE: 'prod',
    });
  });

  it('inherits nothing from this process but PATH (no profile, no real credentials)', () => {
    // Act
    const env = coldEnvironment('getHealth', [], { memoryMb: 512, logLevel: 'INFO' }, place);

    // Assess
    const foreign = Object.keys(env).filter((name) => !/^(AWS_|JOINTLY_|POWERTOOLS_|PATH$|TZ$|LANG$)/.test(name));
    expect(foreign).toEqual([]);
    expect(env.PATH).toBe(process.env.PATH);
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('HOME');
  });
});

describe('COLD_PROBE', () => {
  it('imports the bundle as Lambda does, then invokes its handler with a context', () => {
    // Assess: the parts the figures rely on.
    expect(COLD_PROBE).toContain('const { handler } = await import(process.argv[2]);');
    expect(COLD_PROBE).toContain('await handler(event, context)');
    expect(COLD_PROBE).toContain("subscribe('http.client.request.start'");
  });
});
