/**
 * The resources that hold state no deploy can rebuild, and the properties of each whose change
 * makes CloudFormation *replace* it (a new, empty resource; with a fixed name, a failed deploy).
 * One list, read by the stacks (removal policy), the stack policy (infra/stack-policy.ts) and the
 * replacement check (test/infra/replacement-guard.test.ts, `npm run stateful-snapshot`).
 *
 * Why each matters:
 * - the table holds every record, under a fixed name;
 * - a KMS key is the only way to read what it encrypted (the table, its backups, the secrets);
 * - a replaced user pool gives every user a new `sub`, and RETAIN orphans the old pool;
 * - a regenerated subject-hash key makes every person unfindable;
 * - a versioned bucket keeps what no deploy rebuilds (the user directory's daily exports) and
 *   its history; a replaced one starts empty.
 *
 * Only versioned S3 buckets are listed (`appliesTo`): the others hold the console's build and
 * CloudFront's access logs, nothing a deploy cannot rebuild (the logs are retained in every stage anyway).
 *
 * Pure data and plain functions: no CDK constructs, so scripts and tests can use it cheaply.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { StageConfig } from './config/stage-config.ts';

/** A CloudFormation resource's properties, as synthesized. */
export type CfnProperties = Readonly<Record<string, unknown>>;

/** One property whose change replaces the resource, and how to read it from the template. */
export interface ReplacementProperty {
  /** The CloudFormation property name. */
  readonly name: string;
  /** Its value, as compared; default: the property itself. Absent is `null` (JSON keeps it). */
  readonly read?: (properties: CfnProperties) => unknown;
}

/** A stateful resource type and its replacement-prone properties. */
export interface StatefulResourceType {
  /** What is lost when it is replaced. */
  readonly holds: string;
  readonly replacementProperties: readonly ReplacementProperty[];
  /** Which resources of the type hold state, by their properties; default: every one. */
  readonly appliesTo?: (properties: CfnProperties) => boolean;
}

interface KeyAttribute {
  readonly AttributeName: string;
}

/**
 * Only the key attributes' definitions: changing a GSI's attributes is an in-place update, while
 * the table's own key attributes cannot change without a new table.
 */
const keyAttributeDefinitions: ReplacementProperty = {
  name: 'AttributeDefinitions',
  read: (properties) => {
    const keys = new Set(((properties['KeySchema'] ?? []) as KeyAttribute[]).map((key) => key.AttributeName));
    const definitions = (properties['AttributeDefinitions'] ?? []) as KeyAttribute[];
    return definitions.filter((definition) => keys.has(definition.AttributeName));
  },
};

const named = (...names: string[]): ReplacementProperty[] => names.map((name) => ({ name }));

/**
 * Sources: the CloudFormation template reference, "Update requires: Replacement" of each type's
 * properties (KMS: a changed KeySpec, KeyUsage or MultiRegion makes the update fail rather than
 * replace, which is still a change to review). Where a property's docs changed over time (the
 * user pool's name and schema), it is listed: a false alarm costs a snapshot update, a missed
 * one costs every user's `sub`. GSIs and billing mode are in-place updates, so not listed.
 */
const TABLE: StatefulResourceType = {
  holds: 'every record (a fixed name: a replacement fails, or with a new name starts empty)',
  replacementProperties: [...named('TableName', 'KeySchema'), keyAttributeDefinitions, ...named('LocalSecondaryIndexes')],
};

/** Every stateful resource type, by CloudFormation type. */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, StatefulResourceType>> = {
  'AWS::DynamoDB::GlobalTable': TABLE,
  'AWS::DynamoDB::Table': TABLE,
  'AWS::KMS::Key': {
    holds: 'the only means of reading what it encrypted: the table, its backups, the secrets, the logs',
    replacementProperties: named('KeySpec', 'KeyUsage', 'MultiRegion', 'Origin'),
  },
  'AWS::Cognito::UserPool': {
    holds: 'every user and their `sub` (a new pool gives everyone a new one)',
    replacementProperties: named('UserPoolName', 'UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration', 'Schema'),
  },
  'AWS::SecretsManager::Secret': {
    holds: 'a generated key (the subject-hash key: regenerated, every person becomes unfindable)',
    replacementProperties: named('Name'),
  },
  'AWS::Backup::BackupVault': {
    holds: 'the table’s backups (a replaced vault must be empty to go; under Vault Lock it never goes)',
    replacementProperties: named('BackupVaultName', 'EncryptionKeyArn'),
  },
  'AWS::S3::Bucket': {
    holds: 'objects no deploy rebuilds, and their earlier versions (the user directory’s exports): a new bucket starts empty',
    replacementProperties: named('BucketName', 'ObjectLockEnabled'),
    // Versioning is what a bucket of data to keep has, and what a build or log bucket lacks.
    appliesTo: (properties) => (properties['VersioningConfiguration'] as { Status?: string } | undefined)?.Status === 'Enabled',
  },
};

/** Whether resources of `type` hold state (are in `STATEFUL_RESOURCE_TYPES`). */
export const isStatefulType = (type: string): boolean => Object.hasOwn(STATEFUL_RESOURCE_TYPES, type);

/** One stateful resource as the snapshot records it. */
export interface StatefulResourceRecord {
  readonly type: string;
  /** Each replacement-prone property's value (`null` when absent). */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Stateful resources of one stack, by logical id. */
export type StackStatefulRecords = Readonly<Record<string, StatefulResourceRecord>>;

/** Stateful resources by stage, then stack name, then logical id (infra/stateful-snapshot.json). */
export type StatefulSnapshot = Readonly<Record<string, Readonly<Record<string, StackStatefulRecords>>>>;

/** A synthesized CloudFormation template (the part read here). */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: CfnProperties }>>;
}

const sortedEntries = <T>(record: Readonly<Record<string, T>>): [string, T][] =>
  Object.entries(record).sort(([a], [b]) => a.localeCompare(b));

/** The logical ids of the stateful resources in `template`, sorted. */
export const statefulLogicalIdsOf = (template: CfnTemplate): string[] =>
  sortedEntries(template.Resources ?? {})
    .filter(([, resource]) => isStatefulType(resource.Type))
    .filter(([, resource]) => STATEFUL_RESOURCE_TYPES[resource.Type]!.appliesTo?.(resource.Properties ?? {}) ?? true)
    .map(([id]) => id);

/** The stateful resources of one synthesized template, with their replacement-prone properties. */
export const statefulRecordsOf = (template: CfnTemplate): StackStatefulRecords => {
  const records: Record<string, StatefulResourceRecord> = {};
  for (const id of statefulLogicalIdsOf(template)) {
    const resource = template.Resources![id]!;
    const properties = resource.Properties ?? {};
    const values: Record<string, unknown> = {};
    for (const property of STATEFUL_RESOURCE_TYPES[resource.Type]!.replacementProperties) {
      values[property.name] = (property.read ? property.read(properties) : properties[property.name]) ?? null;
    }
    records[id] = { type: resource.Type, properties: values };
  }
  return records;
};

/** One way a stage's stateful resources differ from the committed snapshot. */
export type StatefulChange =
  | {
      readonly kind: 'changed';
      readonly stack: string;
      readonly logicalId: string;
      readonly type: string;
      readonly property: string;
      readonly before: unknown;
      readonly after: unknown;
    }
  | { readonly kind: 'removed'; readonly stack: string; readonly logicalId: string; readonly type: string }
  | { readonly kind: 'added'; readonly stack: string; readonly logicalId: string; readonly type: string }
  | { readonly kind: 'retyped'; readonly stack: string; readonly logicalId: string; readonly type: string; readonly before: string };

const canonical = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * Every difference between a stage's committed records (`before`, by stack name) and its
 * synthesized ones (`after`): a changed replacement-prone property, a logical id that
 * disappeared (a rename is a replacement) and one that appeared without review.
 */
export const compareStatefulRecords = (
  before: Readonly<Record<string, StackStatefulRecords>>,
  after: Readonly<Record<string, StackStatefulRecords>>,
): StatefulChange[] => {
  const changes: StatefulChange[] = [];
  const stacks = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const stack of stacks) {
    const old = before[stack] ?? {};
    const current = after[stack] ?? {};
    for (const [logicalId, record] of sortedEntries(old)) {
      const now = current[logicalId];
      if (now === undefined) {
        changes.push({ kind: 'removed', stack, logicalId, type: record.type });
      } else if (now.type !== record.type) {
        changes.push({ kind: 'retyped', stack, logicalId, type: now.type, before: record.type });
      } else {
        const names = [...new Set([...Object.keys(record.properties), ...Object.keys(now.properties)])];
        for (const property of names) {
          const [was, is] = [record.properties[property], now.properties[property]];
          if (canonical(was) !== canonical(is))
            changes.push({ kind: 'changed', stack, logicalId, type: record.type, property, before: was ?? null, after: is ?? null });
        }
      }
    }
    for (const [logicalId, record] of sortedEntries(current)) {
      if (!Object.hasOwn(old, logicalId)) changes.push({ kind: 'added', stack, logicalId, type: record.type });
    }
  }
  return changes;
};

/** How to accept a deliberate change: the one command, and what to review. */
export const ACCEPT_HINT =
  'If the change is deliberate (a migration is planned: docs/operations.md "Protected state"), run `npm run stateful-snapshot` and commit infra/stateful-snapshot.json with the change, so the review sees it.';

/** One sentence per change, naming the stage, stack, logical id, property and both values. */
export const describeStatefulChange = (stage: string, change: StatefulChange): string => {
  const where = `stage ${stage}, stack ${change.stack}, ${change.logicalId} (${change.type})`;
  switch (change.kind) {
    case 'changed':
      return `${where}: ${change.property} was ${canonical(change.before)} and would be ${canonical(change.after)}, which replaces the resource.`;
    case 'removed':
      return `${where}: the logical id is gone; a renamed or removed stateful resource is deleted or replaced.`;
    case 'added':
      return `${where}: a new stateful resource not in the snapshot; review it and record it.`;
    case 'retyped':
      return `${where}: was ${change.before}; a new type is a new resource.`;
  }
};

/** The CDK removal policy of a stage's stateful resources (`StageConfig.statefulRemovalPolicy`). */
export const statefulRemovalPolicyOf = (config: Pick<StageConfig, 'statefulRemovalPolicy'>): RemovalPolicy =>
  config.statefulRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** Days a stage's KMS keys wait before deletion: the most KMS allows, so a backup can still be restored. */
export const KEY_PENDING_WINDOW_DAYS = 30;
