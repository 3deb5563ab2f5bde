/**
 * Every queue and topic the stage key encrypts, and which AWS services write into each
 * under their OWN identity (a service principal) rather than a role of this account.
 *
 * Why this list exists: a service principal can use a customer-managed key only if the
 * key policy says so. The events stack imports the key by ARN, so CDK silently drops any
 * grant it would add for `events.amazonaws.com` or `cloudwatch.amazonaws.com`; without the
 * statements built from this list, no alert, programme metric or alarm e-mail would ever
 * be delivered in AWS. The events stack creates its queues and topic only from here, and
 * the data stack writes one key-policy statement per entry with service writers, so a new
 * encrypted queue cannot exist without a decision about who writes to it (and the infra
 * test, which reads the synthesized templates, fails if that decision is missing).
 *
 * Writers that are Lambda execution roles (SQS event source consumers, on-failure
 * destinations of a stream mapping or of asynchronous invocations) and SQS's own move of
 * a message to a queue's dead-letter queue act with the role's IAM permissions, which the
 * key policy's account statement already honours: they need no statement here.
 *
 * Pure data (no CDK imports): names are literal and stage-named, so the data stack needs
 * nothing from the events stack (no cross-stack cycle).
 */
import { BUS_RULES, QUEUES, type QueueName } from '../shared/wiring/bus-rules.ts';

/** The stage's event bus name. */
export const eventBusNameOf = (stage: string): string => `jointly-${stage}`;

/** The stage's alarm topic name. */
export const alarmTopicNameOf = (stage: string): string => `jointly-${stage}-alarms`;

/**
 * The name of a rule on the default bus (schedules must live there). Such rules are named,
 * not generated, so the key policy can name them by a stage prefix.
 */
export const defaultBusRuleNameOf = (stage: string, what: string): string => `jointly-${stage}-${what}`;

/** A service that writes into encrypted resources of a stage under its own principal. */
export interface ServiceWriter {
  /** The service principal the key policy admits. */
  readonly principal: string;
  /** The service part of its source ARNs (`arn:<partition>:<service>:<region>:<account>:…`). */
  readonly arnService: string;
  /** The resource part of the source ARNs it may act for in `stage` (ArnLike patterns). */
  readonly sourceResources: (stage: string) => readonly string[];
  /** The key actions it needs: a data key to encrypt a message, Decrypt to check one it reuses. */
  readonly actions: readonly string[];
}

/** The service writers of Jointly's encrypted resources. */
export const SERVICE_WRITERS = {
  /** EventBridge rules put events on their target queues and on their targets' DLQs. */
  eventBridgeRules: {
    principal: 'events.amazonaws.com',
    arnService: 'events',
    // Rules on the stage's bus carry its name in their ARN; default-bus rules carry the stage prefix.
    sourceResources: (stage) => [`rule/${eventBusNameOf(stage)}/*`, `rule/${defaultBusRuleNameOf(stage, '*')}`],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  /** CloudWatch alarms publish state changes to the alarm topic; every alarm is named `jointly-<stage>-…`. */
  cloudWatchAlarms: {
    principal: 'cloudwatch.amazonaws.com',
    arnService: 'cloudwatch',
    sourceResources: (stage) => [`alarm:jointly-${stage}-*`],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
} as const satisfies Record<string, ServiceWriter>;
export type ServiceWriterName = keyof typeof SERVICE_WRITERS;

/** One encrypted queue or topic of the events stack. */
export interface EncryptedResource {
  /** Construct id in the events stack (the physical name is derived from it). */
  readonly id: string;
  readonly kind: 'queue' | 'topic';
  /** Services writing into it under their own principal (may be none). */
  readonly serviceWriters: readonly ServiceWriterName[];
  /** Who else writes into it, with IAM role permissions: for the reader, and the docs. */
  readonly roleWriters: string;
}

/** `fanOutDlq` → `fan-out-dlq`. */
const kebab = (id: string): string => id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

/** The physical name of an encrypted resource in `stage`. */
export const encryptedResourceNameOf = (stage: string, resource: Pick<EncryptedResource, 'id' | 'kind'>): string =>
  resource.kind === 'topic' ? alarmTopicNameOf(stage) : `jointly-${stage}-${kebab(resource.id)}`;

/** Functions that send to each work queue with their own role (README "Event path"). */
const ROLE_WRITERS: Record<QueueName, string> = {
  fanOut: 'none',
  deliveries: 'the fan-out, deliver (retries with backoff) and subscription redrive functions',
  metrics: 'none',
};

const ruleWritten = (queue: QueueName): ServiceWriterName[] =>
  BUS_RULES.some((rule) => rule.target === queue) ? ['eventBridgeRules'] : [];

/** Every encrypted queue and topic of a stage, with its writers. */
export const ENCRYPTED_RESOURCES: readonly EncryptedResource[] = [
  ...(Object.keys(QUEUES) as QueueName[]).flatMap((queue): EncryptedResource[] => [
    { id: `${queue}Queue`, kind: 'queue', serviceWriters: ruleWritten(queue), roleWriters: ROLE_WRITERS[queue] },
    { id: `${queue}Dlq`, kind: 'queue', serviceWriters: [], roleWriters: 'SQS redrive, on behalf of the consuming function' },
  ]),
  ...BUS_RULES.map(
    (rule): EncryptedResource => ({ id: `${rule.id}RuleDlq`, kind: 'queue', serviceWriters: ['eventBridgeRules'], roleWriters: 'none' }),
  ),
  { id: 'publisherFailures', kind: 'queue', serviceWriters: [], roleWriters: 'the publisher role (stream mapping on-failure destination)' },
  {
    id: 'recordKeeperFailures',
    kind: 'queue',
    serviceWriters: [],
    roleWriters: 'the record keeper role (stream mapping on-failure destination)',
  },
  { id: 'slaSweepFailures', kind: 'queue', serviceWriters: [], roleWriters: 'the SLA sweep role (asynchronous on-failure destination)' },
  { id: 'slaSweepDlq', kind: 'queue', serviceWriters: ['eventBridgeRules'], roleWriters: 'none' },
  { id: 'AlarmTopic', kind: 'topic', serviceWriters: ['cloudWatchAlarms'], roleWriters: 'none' },
];

/** The entry with construct id `id`; throws (naming this file) if a stack creates an unlisted resource. */
export const encryptedResource = (id: string): EncryptedResource => {
  const found = ENCRYPTED_RESOURCES.find((resource) => resource.id === id);
  if (!found) {
    throw new Error(`Encrypted resource '${id}' is not in infra/encrypted-resources.ts: add it with the services that write to it.`);
  }
  return found;
};

/** `jointly-dev-fan-out-queue` → `JointlyDevFanOutQueue`: the key-policy statement id of a resource. */
export const keyPolicySidOf = (physicalName: string): string =>
  physicalName
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('') + 'Writers';
