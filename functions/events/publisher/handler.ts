/**
 * The outbox publisher (table stream → EventBridge): shared/platform/dynamodb/outbox-publisher.ts,
 * on the AWS adapters of its composition root (shared/wiring/publisher.ts).
 */
import { publisherHandler } from '../../../shared/wiring/publisher.ts';

export const handler = publisherHandler();
