import { describe, expect, it } from 'vitest';
import { ENV } from '#shared/platform/config/environment.ts';
import { ConfigurationError, loadRuntimeConfig, requireTableName } from '#shared/platform/config/runtime-config.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';

/** Runs `act` and returns what it threw, failing the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

describe('loadRuntimeConfig', () => {
  it('uses the defaults for an empty environment', () => {
    // Prepare
    const env = {};

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config).toEqual({
      stage: 'local',
      priorityTargetMinutes: { urgent: 120, soon: 1440, routine: 7200 },
      retention: { closedReferral: 'P8Y' },
      orgEmailDomains: {},
      orgOdsCodes: {},
    });
    expect(config.priorityTargetMinutes).toEqual(DEFAULT_PRIORITY_TARGET_MINUTES);
  });

  it('reads per-organisation e-mail domains and the subscription cap', () => {
    // Prepare
    const env = { [ENV.orgEmailDomains]: '{"meht":["mse.nhs.uk","nhs.net"]}', [ENV.subscriptionCap]: '5' };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.orgEmailDomains).toEqual({ meht: ['mse.nhs.uk', 'nhs.net'] });
    expect(config.subscriptionCap).toBe(5);
  });

  it.each([
    ['{"meht":[]}', 'must list at least one domain'],
    ['{"meht":["@nhs.net"]}', 'must be a lower-case mail domain'],
  ])('names JOINTLY_ORG_EMAIL_DOMAINS for %s', (raw, message) => {
    // Act
    const error = thrownBy(() => loadRuntimeConfig({ [ENV.orgEmailDomains]: raw }));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('JOINTLY_ORG_EMAIL_DOMAINS');
    expect((error as Error).message).toContain(message);
  });

  it('treats empty strings as unset', () => {
    // Prepare
    const env = { [ENV.stage]: '', [ENV.tableName]: '', [ENV.priorityTargets]: '', [ENV.dynamodbEndpoint]: '' };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.stage).toBe('local');
    expect(config.tableName).toBeUndefined();
    expect(config.dynamodbEndpoint).toBeUndefined();
    expect(config.priorityTargetMinutes).toEqual({ urgent: 120, soon: 1440, routine: 7200 });
  });

  it('reads the stage, table name and DynamoDB endpoint', () => {
    // Prepare
    const env = {
      JOINTLY_STAGE: 'dev',
      JOINTLY_TABLE_NAME: 'jointly-dev',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.stage).toBe('dev');
    expect(config.tableName).toBe('jointly-dev');
    expect(config.dynamodbEndpoint).toBe('http://127.0.0.1:8000');
  });

  it('overrides only the priorities named in JOINTLY_PRIORITY_TARGET_MINUTES', () => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: '{"urgent":1}' };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.priorityTargetMinutes).toEqual({ urgent: 1, soon: 1440, routine: 7200 });
  });

  it('does not alter the shared defaults when overriding', () => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: '{"soon":5,"routine":10}' };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.priorityTargetMinutes).toEqual({ urgent: 120, soon: 5, routine: 10 });
    expect(DEFAULT_PRIORITY_TARGET_MINUTES).toEqual({ urgent: 120, soon: 1440, routine: 7200 });
  });

  it('throws a ConfigurationError naming the variable for invalid JSON', () => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: '{urgent:1' };

    // Act
    const error = thrownBy(() => loadRuntimeConfig(env));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('JOINTLY_PRIORITY_TARGET_MINUTES');
  });

  it.each([
    ['zero', '{"urgent":0}'],
    ['negative', '{"soon":-5}'],
    ['a string', '{"urgent":"1"}'],
  ])('throws a ConfigurationError naming the variable and field for a %s target', (_what, raw) => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: raw };
    const field = Object.keys(JSON.parse(raw) as object)[0];

    // Act
    const error = thrownBy(() => loadRuntimeConfig(env));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`priorityTargetMinutes.${field}`);
    expect((error as Error).message).toContain('JOINTLY_PRIORITY_TARGET_MINUTES');
  });

  it('accepts fractional minutes, so a local breach can be shown in seconds', () => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: '{"urgent":0.05}' };

    // Act
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config.priorityTargetMinutes.urgent).toBe(0.05);
  });

  it.each([
    ['an unknown priority', '{"urgnt":1}'],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['a bare number', '5'],
  ])('throws a ConfigurationError for %s', (_what, raw) => {
    // Prepare
    const env = { JOINTLY_PRIORITY_TARGET_MINUTES: raw };

    // Act
    const error = thrownBy(() => loadRuntimeConfig(env));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('JOINTLY_PRIORITY_TARGET_MINUTES');
  });

  it('throws a ConfigurationError naming DYNAMODB_ENDPOINT when it is not a URL', () => {
    // Prepare
    const env = { DYNAMODB_ENDPOINT: 'not a url' };

    // Act
    const error = thrownBy(() => loadRuntimeConfig(env));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('DYNAMODB_ENDPOINT');
  });
});

describe('requireTableName', () => {
  it('returns the table name when set', () => {
    // Prepare
    const config = loadRuntimeConfig({ JOINTLY_TABLE_NAME: 'jointly-test' });

    // Act
    const name = requireTableName(config);

    // Assess
    expect(name).toBe('jointly-test');
  });

  it('throws a ConfigurationError naming JOINTLY_TABLE_NAME when unset', () => {
    // Prepare
    const config = loadRuntimeConfig({});

    // Act
    const error = thrownBy(() => requireTableName(config));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('JOINTLY_TABLE_NAME');
  });
});
