/** The SLA sweep (shared/sla/api/sla-sweep-handler.ts) on the DynamoDB client of its composition root. */
import { slaSweepHandler } from '../../../shared/wiring/sla-sweep.ts';

export const handler = slaSweepHandler();
