/**
 * Cost-allocation tags and the stage budget (issue 19, point 6), for every stage: every
 * taggable resource of every stack carries `Project`, `Stage` and its stack's `DataClass`, and
 * a monthly cost budget of the stage's tagged costs e-mails the stage's alarm address.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_CLASS_OF, PROJECT_TAG, buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, STAGE_DEFAULTS, loadStageConfig, parseStageConfig, type StageName } from '#infra/config/stage-config.ts';
import { BUDGET_NOTIFICATIONS, budgetNameOf } from '#infra/constructs/alarms.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions.
type Json = Record<string, any>;
type Part = keyof typeof DATA_CLASS_OF;

/** AWS tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters. */
const TAG_VALUE = /^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u;

/**
 * The tags of a resource as a map, wherever its type keeps them: a `Tags` list or map, a user
 * pool's `UserPoolTags`, a budget's `ResourceTags`, a global table's replicas (each the same).
 * `undefined` when the type takes no tags.
 */
const tagsOf = (resource: Json): Record<string, string>[] | undefined => {
  const props = (resource['Properties'] ?? {}) as Json;
  const asMap = (tags: unknown): Record<string, string> =>
    Array.isArray(tags) ? Object.fromEntries(tags.map((t: Json) => [t['Key'], t['Value']])) : (tags as Record<string, string>);
  if (resource['Type'] === 'AWS::DynamoDB::GlobalTable') return (props['Replicas'] as Json[]).map((r) => asMap(r['Tags']));
  const tags = props['Tags'] ?? props['UserPoolTags'] ?? props['ResourceTags'];
  return tags === undefined ? undefined : [asMap(tags)];
};

/** Types that are taggable in CloudFormation and must not be missed if they appear. */
const MUST_BE_TAGGED = new Set([
  'AWS::DynamoDB::GlobalTable',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::Events::EventBus',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::CloudWatch::Alarm',
  'AWS::Cognito::UserPool',
  'AWS::ApiGatewayV2::Api',
  'AWS::S3::Bucket',
  'AWS::IAM::Role',
  'AWS::SecretsManager::Secret',
  'AWS::Budgets::Budget',
]);

/** The budget lives in the events stack (beside the alarm topic), once per stage. */
const PARTS_WITHOUT_BUDGET = ['data', 'api', 'console'] as const;

describe.each(STAGES)('stage %s', (stage: StageName) => {
  const config = loadStageConfig(stage);
  let built: JointlyApp;
  let stacks: Record<Part, Stack>;

  beforeAll(() => {
    built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    stacks = { data: built.data, events: built.events, api: built.api, console: built.console };
  });

  it.each(Object.keys(DATA_CLASS_OF) as Part[])(
    'tags every taggable resource of the %s stack with Project, Stage and DataClass',
    (part) => {
      // Prepare
      const expected = { Project: PROJECT_TAG, Stage: stage, DataClass: DATA_CLASS_OF[part] };
      const resources = Object.entries(Template.fromStack(stacks[part]).toJSON()['Resources'] as Record<string, Json>);

      // Act
      const tagged = resources.flatMap(([id, r]) => (tagsOf(r) ?? []).map((tags) => ({ id, type: r['Type'] as string, tags })));
      const wrong = tagged.filter(({ tags }) => Object.entries(expected).some(([key, value]) => tags[key] !== value));
      const missed = resources.filter(([, r]) => MUST_BE_TAGGED.has(r['Type']) && tagsOf(r) === undefined).map(([id]) => id);

      // Assess
      expect(tagged.length).toBeGreaterThan(0);
      expect(wrong).toEqual([]);
      expect(missed).toEqual([]);
    },
  );

  it('tags the table, the key, a function, the bus, a queue, the topic, the user pool and the site bucket', () => {
    // Prepare
    const typesIn = (part: Part) =>
      new Set(
        Object.values(Template.fromStack(stacks[part]).toJSON()['Resources'] as Record<string, Json>)
          .filter((r) => tagsOf(r)?.every((tags) => tags['DataClass'] === DATA_CLASS_OF[part] && tags['Stage'] === stage))
          .map((r) => r['Type'] as string),
      );

    // Act
    const [data, events, api, console] = (['data', 'events', 'api', 'console'] as const).map(typesIn);

    // Assess
    expect([...data!]).toEqual(expect.arrayContaining(['AWS::DynamoDB::GlobalTable', 'AWS::KMS::Key']));
    expect([...events!]).toEqual(
      expect.arrayContaining([
        'AWS::Lambda::Function',
        'AWS::Events::EventBus',
        'AWS::SQS::Queue',
        'AWS::SNS::Topic',
        'AWS::Budgets::Budget',
      ]),
    );
    expect([...api!]).toEqual(expect.arrayContaining(['AWS::Cognito::UserPool', 'AWS::ApiGatewayV2::Api', 'AWS::S3::Bucket']));
    expect([...console!]).toEqual(expect.arrayContaining(['AWS::Lambda::Function']));
  });

  it('keeps every tag value within the characters AWS accepts', () => {
    // Act
    const values = [PROJECT_TAG, stage, ...Object.values(DATA_CLASS_OF)];

    // Assess
    for (const value of values) expect(value).toMatch(TAG_VALUE);
  });

  it('budgets the stage’s tagged costs monthly, e-mailing the alarm address at 80 % actual and 100 % forecast', () => {
    // Prepare
    const template = Template.fromStack(built.events);

    // Act
    const budgets = template.findResources('AWS::Budgets::Budget');

    // Assess
    expect(Object.keys(budgets)).toHaveLength(1);
    expect(
      PARTS_WITHOUT_BUDGET.flatMap((part) => Object.keys(Template.fromStack(stacks[part]).findResources('AWS::Budgets::Budget'))),
    ).toEqual([]);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: budgetNameOf(stage),
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: config.monthlyBudgetUsd, Unit: 'USD' },
        CostFilters: { TagKeyValue: [`user:Stage$${stage}`] },
      },
      NotificationsWithSubscribers: [
        {
          Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: config.alarmEmail }],
        },
        {
          Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: config.alarmEmail }],
        },
      ],
    });
    expect(BUDGET_NOTIFICATIONS).toHaveLength(2);
  });
});

describe('monthlyBudgetUsd', () => {
  it('is committed for every stage, growing from dev to prod', () => {
    // Act
    const limits = STAGES.map((stage) => loadStageConfig(stage).monthlyBudgetUsd);

    // Assess
    expect(limits).toEqual([50, 100, 300]);
  });

  it.each([
    ['zero', 0, /at monthlyBudgetUsd: must be at least 1 US dollar\.$/],
    ['a fraction', 12.5, /at monthlyBudgetUsd: must be a whole number of US dollars\.$/],
    ['a typo-sized figure', 1_000_000, /at monthlyBudgetUsd: must be at most 100000 US dollars/],
    ['text', '50', /at monthlyBudgetUsd: must be a whole number of US dollars\.$/],
    ['missing', undefined, /at monthlyBudgetUsd: must be a whole number of US dollars\.$/],
  ])('refuses %s in one sentence', (_what, value, message) => {
    // Prepare
    const raw: Record<string, unknown> = { ...STAGE_DEFAULTS.dev, stage: 'dev', monthlyBudgetUsd: value };
    if (value === undefined) delete raw['monthlyBudgetUsd'];

    // Act
    const parse = () => parseStageConfig(raw);

    // Assess
    expect(parse).toThrow(message);
  });

  it('may be overridden per deployment (it is not a locked field)', () => {
    // Act
    const config = loadStageConfig('staging', { overrides: { monthlyBudgetUsd: 150 } });

    // Assess
    expect(config.monthlyBudgetUsd).toBe(150);
  });
});
