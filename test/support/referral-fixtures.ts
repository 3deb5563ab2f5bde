/**
 * Builds the real referral service on a test table, with a document client that counts
 * (and can fail) DynamoDB commands, for call-count assertions and fault injection.
 */
import { serviceErrorOf } from '#shared/platform/aws/aws-json-client.ts';
import type { DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { ulid } from 'ulid';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import type { TestTable } from './table.ts';

/** A command counter and fault injector attached to a client. */
export interface ClientProbe {
  /** Command names sent since the last reset, in order. */
  readonly calls: string[];
  reset(): void;
  /** Makes the next `count` commands named `command` fail with `error()` before reaching DynamoDB. */
  failNext(command: string, count: number, error: () => Error): void;
}

/** Instruments a document client with a counting, fault-injecting middleware. */
export const probe = (client: DocumentClient): ClientProbe => {
  const calls: string[] = [];
  const faults = new Map<string, { remaining: number; error: () => Error }>();
  client.intercept('call', async (context, next) => {
    const name = context.operation;
    calls.push(name);
    const fault = faults.get(name);
    if (fault && fault.remaining > 0) {
      fault.remaining -= 1;
      throw fault.error();
    }
    return next();
  });
  return {
    calls,
    reset: () => {
      calls.length = 0;
    },
    failNext: (command, count, error) => faults.set(command, { remaining: count, error }),
  };
};

/** The error DynamoDB raises when two transactions touch one item at once. */
export const transactionConflict = () =>
  serviceErrorOf(
    'TransactionCanceledException',
    'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
    400,
    { CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] },
  );

export { caller, newReferral } from './fixtures.ts';

/** The real service over a test table, with its client probe. */
export const referralServiceOn = (table: TestTable) => {
  const client = createDocumentClient({ endpoint: table.endpoint });
  const clientProbe = probe(client);
  const repository = new DynamoReferralRepository({ client, tableName: table.tableName, subjectHashKey: 'k'.repeat(32) });
  const service = new ReferralService({
    repository,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    organisations: ORGANISATIONS.map((o) => o.id),
    newId: ulid,
    retryDelayMs: () => 0,
  });
  const handoffs = new HandoffService({
    repository,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    organisations: ORGANISATIONS.map((o) => o.id),
    newId: ulid,
    retryDelayMs: () => 0,
  });
  return { service, handoffs, repository, probe: clientProbe, client };
};
