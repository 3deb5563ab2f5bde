/**
 * The SLA sweep (EventBridge schedule in AWS; a timer in the local runtime): marks every
 * referral left unanswered past `dueAt` (`referral.overdue`) and every handoff offer left
 * unanswered past its `dueAt` (`handoff.overdue`), each breach exactly once.
 */
import type { Context } from 'aws-lambda';
import { loadRuntimeConfig, requireTableName } from '../../../shared/config/runtime-config.ts';
import { createDocumentClient } from '../../../shared/data/dynamo-client.ts';
import { DynamoSlaSweeper, type SlaSweepResult } from '../../../shared/data/sla-sweep.ts';
import { logger } from '../../../shared/http/logger.ts';

const config = loadRuntimeConfig();
const sweeper = new DynamoSlaSweeper({
  client: createDocumentClient({ endpoint: config.dynamodbEndpoint }),
  tableName: requireTableName(config),
});

/** Leaves this much of the invocation's time unused, so a big backlog never times out mid-mark. */
const SAFETY_MARGIN_MS = 10_000;

export const handler = async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SlaSweepResult> => {
  const result = await sweeper.sweep(new Date(), {
    shouldContinue: () => !context || context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS,
  });
  if (result.due > 0) logger.info('SLA sweep', { ...result });
  return result;
};
