/**
 * `DataStack`: the stage's customer-managed KMS key and the single Jointly table, built
 * only from `JOINTLY_TABLE` (shared/data/table-definition.ts), the same definition the
 * local runtime creates DynamoDB Local tables from.
 */
import { Aws, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { JOINTLY_TABLE, type TableDefinition } from '../../shared/data/table-definition.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { ENCRYPTED_RESOURCES, SERVICE_WRITERS, encryptedResourceNameOf, keyPolicySidOf } from '../encrypted-resources.ts';

/** Properties of the data stack. */
export interface DataStackProps extends StackProps {
  /** The validated stage configuration. */
  readonly stageConfig: StageConfig;
  /** The table to build; tests may pass another. @default JOINTLY_TABLE */
  readonly tableDefinition?: TableDefinition;
}

const PROJECTION: Record<TableDefinition['indexes'][number]['projection'], dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
};

const STREAM: Record<TableDefinition['streamViewType'], dynamodb.StreamViewType> = {
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The stage's table name. */
export const tableNameOf = (stage: string): string => `jointly-${stage}`;

/** The stage's KMS key alias. */
export const keyAliasOf = (stage: string): string => `alias/jointly-${stage}`;

/** The key and the table of one stage. */
export class DataStack extends Stack {
  /** Customer-managed key for the table, its stream, and the stage's logs (later: queues and topics). */
  readonly key: kms.Key;
  /** The single Jointly table. */
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { stageConfig } = props;
    const definition = props.tableDefinition ?? JOINTLY_TABLE;
    const retain = stageConfig.removalPolicy === 'retain';
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'Key', {
      alias: keyAliasOf(stageConfig.stage),
      description: `Jointly ${stageConfig.stage}: encrypts the table, its stream and logs`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: retain ? Duration.days(30) : Duration.days(7),
    });
    // CloudWatch Logs encrypts this account's log groups in this region with the key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    this.admitServiceWriters(stageConfig.stage);

    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: tableNameOf(stageConfig.stage),
      partitionKey: stringKey(definition.partitionKey),
      sortKey: stringKey(definition.sortKey),
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: PROJECTION[index.projection],
      })),
      dynamoStream: STREAM[definition.streamViewType],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stageConfig.pitr },
      deletionProtection: stageConfig.deletionProtection,
      removalPolicy,
    });
  }

  /**
   * One statement per encrypted queue/topic that an AWS service writes into under its own
   * principal (infra/encrypted-resources.ts): EventBridge rules into their target queues and
   * DLQs, CloudWatch alarms into the alarm topic. Scoped to this account and to the stage's
   * rule/alarm ARN patterns, so no other account's or stage's rule or alarm can use the key.
   * Here, where the key is defined: the events stack imports it by ARN, and CDK drops any
   * grant to a service principal on an imported key without a word.
   */
  private admitServiceWriters(stage: string): void {
    for (const resource of ENCRYPTED_RESOURCES) {
      if (resource.serviceWriters.length === 0) continue;
      const writers = resource.serviceWriters.map((name) => SERVICE_WRITERS[name]);
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: keyPolicySidOf(encryptedResourceNameOf(stage, resource)),
          principals: writers.map((writer) => new iam.ServicePrincipal(writer.principal)),
          actions: [...new Set(writers.flatMap((writer) => writer.actions))],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': this.account },
            ArnLike: {
              'aws:SourceArn': writers.flatMap((writer) =>
                writer.sourceResources(stage).map((resourcePart) => `arn:${Aws.PARTITION}:${writer.arnService}:${this.region}:${this.account}:${resourcePart}`),
              ),
            },
          },
        }),
      );
    }
  }
}
