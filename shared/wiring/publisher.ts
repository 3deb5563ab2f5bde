/**
 * Composition root of the outbox publisher: the one event-path adapter it uses, the bus
 * (EventBridge in AWS).
 */
import { eventAdaptersOf } from '../platform/aws/adapter-registry.ts';
import { awsEventBus } from '../platform/aws/aws-event-bus.ts';

/**
 * The adapters to use now: the local runtime's registration if there is one, else the AWS
 * bus (any other port fails if used). Resolved per invocation, so a registration made
 * after import counts.
 */
export const eventAdapters = eventAdaptersOf({ bus: awsEventBus });
