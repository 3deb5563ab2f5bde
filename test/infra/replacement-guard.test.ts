/**
 * The replacement check (issue 19): every stage's stateful resources (infra/stateful-resources.ts)
 * must match the committed infra/stateful-snapshot.json: the same logical ids, and the same
 * values of every property whose change makes CloudFormation replace the resource. A difference
 * fails here, naming stage, stack, logical id, property, both values and `npm run stateful-snapshot`.
 *
 * Each stage is synthesized once (bundling and cdk-nag skipped); the planted changes mutate a
 * copy of the synthesized prod templates in memory, so the check is shown to fail on them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '#infra/config/stage-config.ts';
import {
  ACCEPT_HINT,
  type CfnTemplate,
  compareStatefulRecords,
  describeStatefulChange,
  type StatefulChange,
} from '#infra/stateful-resources.ts';
import { readSnapshot, stageRecordsOf, synthesizeStage } from '#scripts/stateful-snapshot.ts';

type MutableTemplate = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** The logical id of the only resource of `type` in `stack`. */
const onlyIdOf = (template: CfnTemplate, type: string): string => {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

const synthesized = new Map<string, Readonly<Record<string, CfnTemplate>>>();

beforeAll(() => {
  for (const stage of STAGES) synthesized.set(stage, synthesizeStage(stage));
});

describe.each(STAGES)('stage %s', (stage) => {
  it('replaces no stateful resource: its logical ids and replacement-prone properties match the committed snapshot', () => {
    // Prepare
    const committed = readSnapshot()[stage] ?? {};

    // Act
    const changes = compareStatefulRecords(committed, stageRecordsOf(synthesized.get(stage)!));

    // Assess
    const messages = changes.map((change) => describeStatefulChange(stage, change));
    expect(messages, [...messages, ACCEPT_HINT].join('\n')).toEqual([]);
  });

  it('records the table, its three keys, the subject-hash key and the backup vault in the data stack, the user pool under its kept logical id in the API stack', () => {
    // Prepare
    const title = stage.charAt(0).toUpperCase() + stage.slice(1);

    // Act
    const committed = readSnapshot()[stage] ?? {};

    // Assess
    const types = (stack: string) =>
      Object.values(committed[`Jointly-${title}-${stack}`] ?? {})
        .map((record) => record.type)
        .sort();
    expect(types('Data')).toEqual([
      'AWS::Backup::BackupVault',
      'AWS::DynamoDB::GlobalTable',
      'AWS::KMS::Key',
      'AWS::KMS::Key',
      'AWS::KMS::Key',
      'AWS::SecretsManager::Secret',
    ]);
    expect(committed[`Jointly-${title}-Api`]?.['UserPool6BA7E5F2']?.type).toBe('AWS::Cognito::UserPool');
  });
});

describe('the comparison', () => {
  const stage = 'prod';
  let templates: Readonly<Record<string, CfnTemplate>>;
  let before: ReturnType<typeof stageRecordsOf>;

  /** The changes after `plant` edits a copy of the named stack's template. */
  const changesAfter = (stack: string, plant: (template: MutableTemplate) => void): StatefulChange[] => {
    const copy = structuredClone(templates[stack]) as MutableTemplate;
    plant(copy);
    return compareStatefulRecords(before, stageRecordsOf({ ...templates, [stack]: copy }));
  };

  beforeAll(() => {
    templates = synthesized.get(stage)!;
    before = stageRecordsOf(templates);
  });

  it('passes an unchanged synth', () => {
    // Act
    const changes = compareStatefulRecords(before, stageRecordsOf(structuredClone(templates)));

    // Assess
    expect(changes).toEqual([]);
  });

  it('reports a planted change to the table’s key schema, naming stage, stack, logical id, property and both values', () => {
    // Prepare
    const stack = 'Jointly-Prod-Data';
    const tableId = onlyIdOf(templates[stack]!, 'AWS::DynamoDB::GlobalTable');
    const plantedKey = [{ AttributeName: 'pk', KeyType: 'HASH' }];

    // Act
    const changes = changesAfter(stack, (template) => {
      template.Resources[tableId]!.Properties['KeySchema'] = plantedKey;
    });

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'changed', stack, logicalId: tableId, property: 'KeySchema', after: plantedKey }),
      // The sort key's definition goes with it: it is no longer a key attribute.
      expect.objectContaining({ kind: 'changed', stack, logicalId: tableId, property: 'AttributeDefinitions' }),
    ]);
    const message = describeStatefulChange(stage, changes[0]!);
    expect(message).toContain(`stage prod, stack ${stack}, ${tableId} (AWS::DynamoDB::GlobalTable): KeySchema was `);
    expect(message).toContain('"AttributeName":"sk","KeyType":"RANGE"');
    expect(message).toContain(`would be ${JSON.stringify(plantedKey)}`);
  });

  it('reports a planted change to the user pool’s username attributes', () => {
    // Prepare
    const stack = 'Jointly-Prod-Api';

    // Act
    const changes = changesAfter(stack, (template) => {
      template.Resources['UserPool6BA7E5F2']!.Properties['UsernameAttributes'] = ['email', 'phone_number'];
    });

    // Assess
    expect(changes).toEqual([
      {
        kind: 'changed',
        stack,
        logicalId: 'UserPool6BA7E5F2',
        type: 'AWS::Cognito::UserPool',
        property: 'UsernameAttributes',
        before: ['email'],
        after: ['email', 'phone_number'],
      },
    ]);
    expect(describeStatefulChange(stage, changes[0]!)).toBe(
      'stage prod, stack Jointly-Prod-Api, UserPool6BA7E5F2 (AWS::Cognito::UserPool): UsernameAttributes was ["email"] and would be ["email","phone_number"], which replaces the resource.',
    );
  });

  it('reports a renamed logical id as one resource gone and one new', () => {
    // Prepare
    const stack = 'Jointly-Prod-Data';
    const secretId = onlyIdOf(templates[stack]!, 'AWS::SecretsManager::Secret');

    // Act
    const changes = changesAfter(stack, (template) => {
      template.Resources['SubjectHashKeyRenamed'] = template.Resources[secretId]!;
      delete template.Resources[secretId];
    });

    // Assess
    expect(changes).toEqual([
      { kind: 'removed', stack, logicalId: secretId, type: 'AWS::SecretsManager::Secret' },
      { kind: 'added', stack, logicalId: 'SubjectHashKeyRenamed', type: 'AWS::SecretsManager::Secret' },
    ]);
  });

  it('reports a new stateful resource that is not in the snapshot, and ignores a new stateless one', () => {
    // Prepare
    const stack = 'Jointly-Prod-Events';

    // Act
    const changes = changesAfter(stack, (template) => {
      template.Resources['NewTable'] = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'jointly-prod-more' } };
      template.Resources['NewTopic'] = { Type: 'AWS::SNS::Topic', Properties: {} };
    });

    // Assess
    expect(changes).toEqual([{ kind: 'added', stack, logicalId: 'NewTable', type: 'AWS::DynamoDB::Table' }]);
  });

  it('ignores a change that updates in place: a new GSI and its attributes', () => {
    // Prepare
    const stack = 'Jointly-Prod-Data';
    const tableId = onlyIdOf(templates[stack]!, 'AWS::DynamoDB::GlobalTable');

    // Act
    const changes = changesAfter(stack, (template) => {
      const properties = template.Resources[tableId]!.Properties;
      properties['AttributeDefinitions'] = [
        ...(properties['AttributeDefinitions'] as unknown[]),
        { AttributeName: 'new', AttributeType: 'S' },
      ];
      properties['GlobalSecondaryIndexes'] = [];
    });

    // Assess
    expect(changes).toEqual([]);
  });
});
