/** The fan-out worker (shared/subscriptions/api/fan-out-handler.ts) on the AWS adapters of its composition root. */
import { fanOutHandler } from '../../../shared/wiring/fan-out.ts';

export const handler = fanOutHandler();
