/**
 * AWS adapters of the event-path ports: the EventBridge bus (PutEvents) and SQS job
 * queues (SendMessage), re-exported from their own modules. Import those
 * (aws-event-bus.ts, aws-job-queue.ts) in anything bundled into a Lambda: this module
 * holds both SDK clients, and a function should carry only the ones it uses.
 */
export { EventBridgeBus, PUT_EVENTS_MAX_ENTRIES, toPutEventsEntry, type EventBridgeBusOptions } from './aws-event-bus.ts';
export { SQS_MAX_DELAY_SECONDS, SqsJobQueue, sqsDelaySeconds, type SqsJobQueueOptions } from './aws-job-queue.ts';
