/**
 * Protected state (issue 19): each stack's policy denies replacing or deleting its stateful
 * resources by logical id and allows every other update; the stateful resources' removal
 * policies keep them on a replacement or delete outside dev; their KMS keys wait 30 days.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '#infra/config/stage-config.ts';
import { stackPolicyOf } from '#infra/stack-policy.ts';
import { type CfnTemplate, isStatefulType } from '#infra/stateful-resources.ts';
import { synthesizeStage } from '#scripts/stateful-snapshot.ts';

type Resource = { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties?: Record<string, unknown> };

const resourcesOf = (template: CfnTemplate | undefined): Record<string, Resource> =>
  (template?.Resources ?? {}) as Record<string, Resource>;

const idsOfType = (template: CfnTemplate | undefined, type: string): string[] =>
  Object.entries(resourcesOf(template))
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => `LogicalResourceId/${id}`)
    .sort();

const synthesized = new Map<string, Readonly<Record<string, CfnTemplate>>>();

beforeAll(() => {
  for (const stage of STAGES) synthesized.set(stage, synthesizeStage(stage));
});

describe('the prod stack policies', () => {
  it('deny replacing or deleting the table, the keys (the table’s, the webhook secrets’, the backup vault’s), the subject-hash key and the backup vault by logical id, and allow every other update', () => {
    // Prepare
    const data = synthesized.get('prod')!['Jointly-Prod-Data'];
    const expected = [
      ...idsOfType(data, 'AWS::DynamoDB::GlobalTable'),
      ...idsOfType(data, 'AWS::KMS::Key'),
      ...idsOfType(data, 'AWS::SecretsManager::Secret'),
      ...idsOfType(data, 'AWS::Backup::BackupVault'),
    ].sort();

    // Act
    const policy = stackPolicyOf(data!);

    // Assess
    expect(expected).toHaveLength(6);
    expect(policy).toEqual({
      Statement: [
        { Effect: 'Deny', Principal: '*', Action: ['Update:Replace', 'Update:Delete'], Resource: expected },
        { Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' },
      ],
    });
  });

  it('deny replacing or deleting the user pool (and the cursor-key secret, and the user-export bucket) in the API stack', () => {
    // Prepare
    const api = synthesized.get('prod')!['Jointly-Prod-Api'];

    // Act
    const [deny, allow] = stackPolicyOf(api!).Statement;

    // Assess
    expect(deny).toEqual({
      Effect: 'Deny',
      Principal: '*',
      Action: ['Update:Replace', 'Update:Delete'],
      Resource: ['LogicalResourceId/CursorKey255E8F8A', 'LogicalResourceId/UserExportBucketF0FE1602', 'LogicalResourceId/UserPool6BA7E5F2'],
    });
    expect(allow).toEqual({ Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' });
  });

  it('only allow updates in a stack without stateful resources', () => {
    // Prepare
    // The console stack: its buckets hold a build and logs, unversioned (the events stack now holds the audit archive).
    const consoleStack = synthesized.get('prod')!['Jointly-Prod-Console'];

    // Act
    const policy = stackPolicyOf(consoleStack!);

    // Assess
    expect(policy).toEqual({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' }] });
  });
});

describe.each(STAGES)('stage %s: stateful removal policies', (stage) => {
  const dataAndIdentity = (): [string, Resource][] => {
    const templates = synthesized.get(stage)!;
    const title = stage.charAt(0).toUpperCase() + stage.slice(1);
    const data = Object.entries(resourcesOf(templates[`Jointly-${title}-Data`])).filter(([, r]) => isStatefulType(r.Type));
    const pool = resourcesOf(templates[`Jointly-${title}-Api`])['UserPool6BA7E5F2'];
    expect(pool).toBeDefined();
    return [...data, ['UserPool6BA7E5F2', pool!]];
  };

  it(
    stage === 'dev'
      ? 'destroys the table, keys, subject-hash key and user pool with the stack (synthetic data)'
      : 'keeps the table, keys, subject-hash key and user pool on a replacement or a delete, and cleans up a failed create',
    () => {
      // Prepare
      const expected = stage === 'dev' ? ['Delete', 'Delete'] : ['RetainExceptOnCreate', 'Retain'];

      // Act
      const resources = dataAndIdentity();

      // Assess
      expect(resources.map(([, r]) => r.Type).sort()).toEqual([
        'AWS::Backup::BackupVault',
        'AWS::Cognito::UserPool',
        'AWS::DynamoDB::GlobalTable',
        'AWS::KMS::Key',
        'AWS::KMS::Key',
        'AWS::KMS::Key',
        'AWS::SecretsManager::Secret',
      ]);
      for (const [id, resource] of resources) {
        expect([resource.DeletionPolicy, resource.UpdateReplacePolicy], id).toEqual(expected);
      }
    },
  );

  it('gives every KMS key 30 days before deletion, long enough to restore a backup', () => {
    // Act
    const keys = dataAndIdentity().filter(([, r]) => r.Type === 'AWS::KMS::Key');

    // Assess
    expect(keys).toHaveLength(3);
    for (const [id, key] of keys) expect(key.Properties?.['PendingWindowInDays'], id).toBe(30);
  });
});
