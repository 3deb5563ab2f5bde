/**
 * Stage configuration: typed, validated at synth, one clear sentence on a mistake (DESIGN §5).
 */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import {
  DEFAULT_REGION,
  STAGES,
  STAGE_DEFAULTS,
  StageConfigError,
  loadStageConfig,
  parseStageConfig,
} from '../../infra/config/stage-config.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '../../shared/domain/reference-data.ts';

const NO_ENV = {};

const rawDev = (overrides: Record<string, unknown> = {}) => ({ ...STAGE_DEFAULTS.dev, stage: 'dev', ...overrides });

describe('loadStageConfig', () => {
  it('defaults to dev when no stage is given', () => {
    // Act
    const config = loadStageConfig(undefined, { env: NO_ENV });

    // Assess
    expect(config.stage).toBe('dev');
  });

  it('rejects an unknown stage with one clear sentence', () => {
    // Act
    const load = () => loadStageConfig('qa', { env: NO_ENV });

    // Assess
    expect(load).toThrow(StageConfigError);
    expect(load).toThrow("Unknown stage 'qa': expected one of dev, staging, prod (pass -c stage=...).");
  });

  it.each(STAGES)('%s: defaults the region to eu-west-2, keeps PITR on and the SLA targets at 2 h / 24 h / 120 h', (stage) => {
    // Act
    const config = loadStageConfig(stage, { env: NO_ENV });

    // Assess
    expect(config.region).toBe(DEFAULT_REGION);
    expect(config.account).toBeUndefined();
    expect(config.pitr).toBe(true);
    expect(config.priorityTargetMinutes).toEqual({ urgent: 120, soon: 1440, routine: 7200 });
    expect(config.priorityTargetMinutes).toEqual(DEFAULT_PRIORITY_TARGET_MINUTES);
  });

  it.each(STAGES)('%s: deletion protection and retention only in prod', (stage) => {
    // Act
    const config = loadStageConfig(stage, { env: NO_ENV });

    // Assess
    expect(config.deletionProtection).toBe(stage === 'prod');
    expect(config.removalPolicy).toBe(stage === 'prod' ? 'retain' : 'destroy');
  });

  it('takes the account from CDK_DEFAULT_ACCOUNT, but keeps the configured UK region', () => {
    // Prepare
    const env = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' };

    // Act
    const config = loadStageConfig('staging', { env });

    // Assess
    expect(config.account).toBe('123456789012');
    expect(config.region).toBe('eu-west-2');
  });

  it('deep-merges overrides, e.g. one SLA target, keeping the other defaults', () => {
    // Act
    const config = loadStageConfig('dev', { env: NO_ENV, overrides: { priorityTargetMinutes: { urgent: 1 } } });

    // Assess
    expect(config.priorityTargetMinutes).toEqual({ urgent: 1, soon: 1440, routine: 7200 });
  });

  it('refuses to let prod drop its data protection', () => {
    // Act
    const load = () => loadStageConfig('prod', { env: NO_ENV, overrides: { removalPolicy: 'destroy' } });

    // Assess
    expect(load).toThrow(
      "Invalid configuration for stage 'prod' at removalPolicy: prod must retain its data: removalPolicy \"retain\" and deletionProtection true.",
    );
  });
});

describe('parseStageConfig', () => {
  it('accepts every checked-in stage', () => {
    // Act
    const parsed = STAGES.map((stage) => parseStageConfig({ ...STAGE_DEFAULTS[stage], stage }));

    // Assess
    expect(parsed.map((config) => config.stage)).toEqual([...STAGES]);
  });

  it('names the field and the rule for a negative memory size', () => {
    // Prepare
    const raw = rawDev({ lambda: { memoryMb: -512, timeoutSeconds: 10 } });

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow(StageConfigError);
    expect(parse).toThrow("Invalid configuration for stage 'dev' at lambda.memoryMb: must be at least 128 MB.");
  });

  it.each([
    ['a timeout beyond the HTTP API limit', { lambda: { memoryMb: 512, timeoutSeconds: 60 } }, /at lambda\.timeoutSeconds: must be at most 29 seconds/],
    ['a retention CloudWatch does not offer', { logRetentionDays: 10 }, /at logRetentionDays: must be one of 1, 3, 5/],
    ['a malformed alarm e-mail', { alarmEmail: 'ops' }, /at alarmEmail: must be an e-mail address\.$/],
    ['a CORS origin with a path', { corsOrigins: ['https://app.example.org/x'] }, /at corsOrigins\.0: must be an origin/],
    ['a wildcard CORS origin', { corsOrigins: ['*'] }, /at corsOrigins\.0: must be an origin/],
    ['PITR switched off', { pitr: false }, /at pitr:/],
    ['a zero burst limit', { throttling: { rateLimit: 10, burstLimit: 0 } }, /at throttling\.burstLimit: must be a positive whole number/],
    ['an unknown key', { colour: 'blue' }, /at configuration: Unrecognized key/],
    ['a non-numeric account', { account: 'my-account' }, /at account: must be a 12-digit AWS account id\.$/],
  ])('rejects %s', (_name, overrides, message) => {
    // Prepare
    const raw = rawDev(overrides);

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow(message);
  });
});

describe('buildApp', () => {
  it('throws a clear message on an unknown stage', () => {
    // Act
    const build = () => buildApp({ stage: 'qa', context: { 'aws:cdk:bundling-stacks': [] } });

    // Assess
    expect(build).toThrow("Unknown stage 'qa': expected one of dev, staging, prod (pass -c stage=...).");
  });

  it('reads the stage from the stage context when none is passed', () => {
    // Act
    const { config, api } = buildApp({ context: { stage: 'staging', 'aws:cdk:bundling-stacks': [] }, nag: false });

    // Assess
    expect(config.stage).toBe('staging');
    expect(api.stackName).toBe('Jointly-Staging-Api');
  });

  it('applies overrides from the jointly:config context (as the CLI passes them: a JSON string)', () => {
    // Act
    const build = () =>
      buildApp({
        stage: 'dev',
        context: { 'jointly:config': '{"lambda":{"memoryMb":-1,"timeoutSeconds":10}}', 'aws:cdk:bundling-stacks': [] },
      });

    // Assess
    expect(build).toThrow("Invalid configuration for stage 'dev' at lambda.memoryMb: must be at least 128 MB.");
  });
});
