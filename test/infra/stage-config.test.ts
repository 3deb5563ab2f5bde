/**
 * Stage configuration: typed, validated at synth, one clear sentence on a mistake (DESIGN §5).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import {
  DEFAULT_REGION,
  LOCKED_FIELDS,
  STAGES,
  STAGE_DEFAULTS,
  StageConfigError,
  loadStageConfig,
  parseStageConfig,
} from '#infra/config/stage-config.ts';
import { JointlyFunction } from '#infra/constructs/jointly-function.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';

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
    expect(config.account).toMatch(/^\d{12}$/);
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

  it('keeps the committed account and UK region whatever credentials CDK_DEFAULT_* point at', () => {
    // Prepare
    const env = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' };

    // Act
    const config = loadStageConfig('staging', { env });

    // Assess
    expect(config.account).toBe(STAGE_DEFAULTS.staging.account);
    expect(config.account).not.toBe('123456789012');
    expect(config.region).toBe('eu-west-2');
  });

  it.each(STAGES.flatMap((stage) => LOCKED_FIELDS.map((field) => [stage, field] as const)))(
    '%s: an override may not change %s (it lives only in the committed config)',
    (stage, field) => {
      // Prepare
      const overrides = { [field]: STAGE_DEFAULTS[stage][field as keyof (typeof STAGE_DEFAULTS)[typeof stage]] ?? 'x' };

      // Act
      const load = () => loadStageConfig(stage, { env: NO_ENV, overrides });

      // Assess
      expect(load).toThrow(StageConfigError);
      expect(load).toThrow(
        `The override may not change ${field} of stage '${stage}': it is committed in infra/config/stage-config.ts, so change it by a reviewed commit.`,
      );
    },
  );

  it('keeps the committed SES sender, CORS origins and alarm address when a deploy passes no override', () => {
    // Act
    const config = loadStageConfig('prod', { env: NO_ENV });

    // Assess
    expect(config.sesSender).toBe(STAGE_DEFAULTS.prod.sesSender);
    expect(config.corsOrigins).toEqual(STAGE_DEFAULTS.prod.corsOrigins);
    expect(config.alarmEmail).toBe(STAGE_DEFAULTS.prod.alarmEmail);
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
      'Invalid configuration for stage \'prod\' at removalPolicy: prod must retain its data: removalPolicy "retain" and deletionProtection true.',
    );
  });

  it.each(['staging', 'prod'])('refuses to let %s destroy its table, keys, user pool and secrets', (stage) => {
    // Act
    const load = () => loadStageConfig(stage, { env: NO_ENV, overrides: { statefulRemovalPolicy: 'destroy' } });

    // Assess
    expect(load).toThrow(
      `Invalid configuration for stage '${stage}' at statefulRemovalPolicy: only dev (synthetic data) may destroy its table, keys, user pool and secrets: use "retain-on-update-or-delete".`,
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
    [
      'a timeout beyond the HTTP API limit',
      { lambda: { memoryMb: 512, timeoutSeconds: 60 } },
      /at lambda\.timeoutSeconds: must be at most 29 seconds/,
    ],
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
    [
      'an app base URL that is not a URL',
      { appBaseUrl: 'jointly' },
      /at appBaseUrl: must be an absolute http\(s\) URL such as https:\/\/jointly\.example\.org\.$/,
    ],
    ['an app base URL on another scheme', { appBaseUrl: 'ftp://jointly.example.org' }, /at appBaseUrl: must be an absolute http\(s\) URL/],
    [
      'a plain-http app base URL beyond localhost',
      { appBaseUrl: 'http://jointly.example.org' },
      /at appBaseUrl: must use https:\/\/ \(plain http is accepted only for localhost\)\.$/,
    ],
    ['log level ERROR, which would hide the dead-letter WARN line', { logLevel: 'ERROR' }, /at logLevel: must be DEBUG, INFO or WARN/],
    [
      'a non-boolean source-map switch',
      { lambda: { memoryMb: 512, timeoutSeconds: 10, enableSourceMaps: 'yes' } },
      /at lambda\.enableSourceMaps: must be true or false\.$/,
    ],
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
    [
      'webhookPolicy',
      /^Invalid configuration for stage 'dev' at webhookPolicy: must be 'public-https' \(the only webhook policy a deployed stage may use\)\.$/,
    ],
    [
      'appBaseUrl',
      /^Invalid configuration for stage 'dev' at appBaseUrl: must be an absolute http\(s\) URL such as https:\/\/jointly\.example\.org\.$/,
    ],
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

  it('accepts an https app URL with a path', () => {
    // Act
    const hosted = parseStageConfig(rawDev({ appBaseUrl: 'https://jointly.essex-ics.nhs.uk/app' }));

    // Assess
    expect(hosted.appBaseUrl).toBe('https://jointly.essex-ics.nhs.uk/app');
  });

  it('names a missing account in one sentence (no falling back to the credentials)', () => {
    // Prepare
    const raw: Record<string, unknown> = rawDev();
    delete raw['account'];

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow("Invalid configuration for stage 'dev' at account: must be the stage’s pinned 12-digit AWS account id.");
  });
});

const PLACEHOLDERS = ['example.org', 'example.com', 'localhost', '127.0.0.1', 'jointly.invalid', 'jointly.test'];

describe.each(STAGES)('placeholders in %s', (stage) => {
  const raw = (overrides: Record<string, unknown>) => ({ ...STAGE_DEFAULTS[stage], stage, ...overrides });

  it.each(PLACEHOLDERS)('rejects %s in the alarm e-mail, the SES sender, the app URL and a CORS origin', (host) => {
    // Prepare
    const cases = [
      ['alarmEmail', { alarmEmail: `ops@${host}` }],
      ['sesSender', { sesSender: `alerts@${host}` }],
      ['appBaseUrl', { appBaseUrl: `https://${host}` }],
      ['corsOrigins.0', { corsOrigins: [`https://${host}`] }],
    ] as const;

    // Act
    const messages = cases.map(([field, overrides]) => {
      try {
        parseStageConfig(raw(overrides));
        return `${field}: accepted`;
      } catch (error) {
        return (error as Error).message;
      }
    });

    // Assess
    // (`ops@localhost` is not even a well-formed address, so that refusal says so instead.)
    for (const [index, [field]] of cases.entries()) {
      const rule =
        field.endsWith('Email') || field === 'sesSender'
          ? '(must not use a placeholder|must be an e-mail address)'
          : 'must not use a placeholder';
      expect(messages[index]).toMatch(new RegExp(`^Invalid configuration for stage '${stage}' at ${field.replace('.', '\\.')}: ${rule}`));
    }
  });

  it(stage === 'dev' ? 'admits a developer console on loopback http as a CORS origin' : 'refuses a loopback CORS origin', () => {
    // Prepare
    const origins = ['http://localhost:5173', 'http://127.0.0.1:5173'];

    // Act
    const parse = () => parseStageConfig(raw({ corsOrigins: origins }));

    // Assess
    if (stage === 'dev') expect(parse().corsOrigins).toEqual(origins);
    else expect(parse).toThrow(/at corsOrigins\.0: must not use a placeholder host/);
  });

  it('refuses a plain-http CORS origin on a real host', () => {
    // Act
    const parse = () => parseStageConfig(raw({ corsOrigins: ['http://jointly.essex-ics.nhs.uk'] }));

    // Assess
    expect(parse).toThrow(/at corsOrigins\.0: must use https:\/\//);
  });
});

describe.each(STAGES)('checked-in config of %s', (stage) => {
  it('pins its own account and names no placeholder anywhere', () => {
    // Act
    const config = loadStageConfig(stage, { env: NO_ENV });
    const others = STAGES.filter((other) => other !== stage).map((other) => STAGE_DEFAULTS[other].account);

    // Assess
    expect(config.account).toMatch(/^\d{12}$/);
    expect(others).not.toContain(config.account);
    expect(JSON.stringify(config)).not.toMatch(/example\.(org|com|net)|\.invalid|\.test\b/);
  });

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
    [
      '{"webhookPolicy":"allow-loopback"}',
      "Invalid configuration for stage 'prod' at webhookPolicy: 'allow-loopback' is for the local runtime only, so a deployed stage must use 'public-https'.",
    ],
    [
      '{"appBaseUrl":"https://jointly.essex-ics.nhs.uk"}',
      "The override may not change appBaseUrl of stage 'prod': it is committed in infra/config/stage-config.ts, so change it by a reviewed commit.",
    ],
    [
      '{"alarmEmail":"someone@nhs.net"}',
      "The override may not change alarmEmail of stage 'prod': it is committed in infra/config/stage-config.ts, so change it by a reviewed commit.",
    ],
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
    new JointlyFunction(stack, 'Fn', { entry: 'functions/api/meta/get-health.ts', stageConfig: config });

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
      new JointlyFunction(stack, 'Fn', { entry: 'functions/api/meta/get-health.ts', stageConfig: config });
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

  it('passes organisationOdsCodes to every function as JOINTLY_ORG_ODS_CODES, and only when set', () => {
    // Prepare
    const codes = { meht: 'RQ8', provide: 'NQA' };
    const envOf = (config: ReturnType<typeof loadStageConfig>) => {
      const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
      new JointlyFunction(stack, 'Fn', { entry: 'functions/api/meta/get-health.ts', stageConfig: config });
      const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
      return fn?.Properties.Environment.Variables as Record<string, string>;
    };

    // Act
    const set = envOf(loadStageConfig('dev', { env: NO_ENV, overrides: { organisationOdsCodes: codes } }));
    const unset = envOf(loadStageConfig('dev', { env: NO_ENV }));

    // Assess
    expect(JSON.parse(set.JOINTLY_ORG_ODS_CODES!)).toEqual(codes);
    expect(unset).not.toHaveProperty('JOINTLY_ORG_ODS_CODES');
  });

  it.each([
    [{ nowhere: 'RQ8' }, 'organisationOdsCodes: must name known organisations only'],
    [{ meht: 'rq8' }, 'organisationOdsCodes.meht: must be an ODS code'],
  ])('rejects organisationOdsCodes %j with one sentence naming the field', (organisationOdsCodes, message) => {
    // Act
    const parse = () => parseStageConfig(rawDev({ organisationOdsCodes }));

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
