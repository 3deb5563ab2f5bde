/**
 * Stage configuration: typed, validated at synth, one clear sentence on a mistake (DESIGN §5).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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
import { JointlyFunction } from '../../infra/constructs/jointly-function.ts';
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
    [
      'the loopback webhook policy in a deployed stage',
      { webhookPolicy: 'allow-loopback' },
      /^Invalid configuration for stage 'dev' at webhookPolicy: 'allow-loopback' is for the local runtime only, so a deployed stage must use 'public-https'\.$/,
    ],
    ['an unknown webhook policy', { webhookPolicy: 'any' }, /at webhookPolicy: must be 'public-https'/],
    ['an app base URL that is not a URL', { appBaseUrl: 'jointly' }, /at appBaseUrl: must be an absolute http\(s\) URL such as https:\/\/jointly\.example\.org\.$/],
    ['an app base URL on another scheme', { appBaseUrl: 'ftp://jointly.example.org' }, /at appBaseUrl: must be an absolute http\(s\) URL/],
    ['a plain-http app base URL beyond localhost', { appBaseUrl: 'http://jointly.example.org' }, /at appBaseUrl: must use https:\/\/ \(plain http is accepted only for localhost\)\.$/],
    ['log level ERROR, which would hide the dead-letter WARN line', { logLevel: 'ERROR' }, /at logLevel: must be DEBUG, INFO or WARN/],
    ['a non-boolean source-map switch', { lambda: { memoryMb: 512, timeoutSeconds: 10, enableSourceMaps: 'yes' } }, /at lambda\.enableSourceMaps: must be true or false\.$/],
  ])('rejects %s', (_name, overrides, message) => {
    // Prepare
    const raw = rawDev(overrides);

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow(message);
  });
});

describe('parseStageConfig: required fields', () => {
  it.each([
    ['webhookPolicy', /^Invalid configuration for stage 'dev' at webhookPolicy: must be 'public-https' \(the only webhook policy a deployed stage may use\)\.$/],
    ['appBaseUrl', /^Invalid configuration for stage 'dev' at appBaseUrl: must be an absolute http\(s\) URL such as https:\/\/jointly\.example\.org\.$/],
    ['alarmEmail', /^Invalid configuration for stage 'dev' at alarmEmail: must be an e-mail address\.$/],
    ['sesSender', /^Invalid configuration for stage 'dev' at sesSender: must be an e-mail address\.$/],
  ])('names the missing field %s in one sentence', (field, message) => {
    // Prepare
    const raw: Record<string, unknown> = rawDev();
    delete raw[field];

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow(StageConfigError);
    expect(parse).toThrow(message);
  });

  it('accepts http only for a local client app, and https anywhere', () => {
    // Act
    const local = parseStageConfig(rawDev({ appBaseUrl: 'http://127.0.0.1:5173' }));
    const hosted = parseStageConfig(rawDev({ appBaseUrl: 'https://jointly.example.nhs.uk/app' }));

    // Assess
    expect(local.appBaseUrl).toBe('http://127.0.0.1:5173');
    expect(hosted.appBaseUrl).toBe('https://jointly.example.nhs.uk/app');
  });
});

describe.each(STAGES)('checked-in config of %s', (stage) => {
  it('deploys the public-https webhook policy, an https app URL outside dev, and no source-mapped stack traces', () => {
    // Act
    const config = loadStageConfig(stage, { env: NO_ENV });

    // Assess
    expect(config.webhookPolicy).toBe('public-https');
    if (stage !== 'dev') expect(config.appBaseUrl).toMatch(/^https:\/\//);
    expect(config.lambda.enableSourceMaps).toBe(false);
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

  it.each([
    ['{"webhookPolicy":"allow-loopback"}', "Invalid configuration for stage 'prod' at webhookPolicy: 'allow-loopback' is for the local runtime only, so a deployed stage must use 'public-https'."],
    ['{"appBaseUrl":"jointly.example.org"}', "Invalid configuration for stage 'prod' at appBaseUrl: must be an absolute http(s) URL such as https://jointly.example.org."],
  ])('stops synth with one sentence on the override %s', (override, message) => {
    // Act
    const build = () => buildApp({ stage: 'prod', context: { 'jointly:config': override, 'aws:cdk:bundling-stacks': [] } });

    // Assess
    expect(build).toThrow(StageConfigError);
    expect(build).toThrow(message);
  });

  it.each([true, false])('sets NODE_OPTIONS=--enable-source-maps only when lambda.enableSourceMaps is %s', (enableSourceMaps) => {
    // Prepare
    const config = loadStageConfig('dev', { env: NO_ENV, overrides: { lambda: { enableSourceMaps } } });
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
    new JointlyFunction(stack, 'Fn', { entry: 'functions/api/health/handler.ts', stageConfig: config });

    // Act
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));

    // Assess
    const variables = fn?.Properties.Environment.Variables as Record<string, string>;
    if (enableSourceMaps) expect(variables).toHaveProperty('NODE_OPTIONS', '--enable-source-maps');
    else expect(variables).not.toHaveProperty('NODE_OPTIONS');
  });

  it('passes organisationEmailDomains to every function as JOINTLY_ORG_EMAIL_DOMAINS, and only when set', () => {
    // Prepare
    const domains = { meht: ['mse.nhs.uk', 'nhs.net'] };
    const envOf = (config: ReturnType<typeof loadStageConfig>) => {
      const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
      new JointlyFunction(stack, 'Fn', { entry: 'functions/api/health/handler.ts', stageConfig: config });
      const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
      return fn?.Properties.Environment.Variables as Record<string, string>;
    };

    // Act
    const set = envOf(loadStageConfig('dev', { env: NO_ENV, overrides: { organisationEmailDomains: domains } }));
    const unset = envOf(loadStageConfig('dev', { env: NO_ENV }));

    // Assess
    expect(JSON.parse(set.JOINTLY_ORG_EMAIL_DOMAINS!)).toEqual(domains);
    expect(unset).not.toHaveProperty('JOINTLY_ORG_EMAIL_DOMAINS');
  });

  it.each([
    [{ nowhere: ['example.org'] }, 'organisationEmailDomains: must name known organisations only'],
    [{ meht: ['NHS.NET'] }, 'organisationEmailDomains.meht.0: must be a lower-case mail domain'],
  ])('rejects organisationEmailDomains %j with one sentence naming the field', (organisationEmailDomains, message) => {
    // Act
    const parse = () => parseStageConfig(rawDev({ organisationEmailDomains }));

    // Assess
    expect(parse).toThrow(StageConfigError);
    expect(parse).toThrow(message);
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
