/** The delivery worker (shared/subscriptions/api/deliver-handler.ts) on the AWS adapters of its composition root. */
import { deliverHandler } from '../../../shared/wiring/deliver.ts';

export const handler = deliverHandler();
