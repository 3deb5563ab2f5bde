/**
 * Faults DynamoDB Local never raises, injected at the DynamoDB client by the local runtime
 * (`JOINTLY_SDK_FAULT_RATE`, tests, benchmarks and resilience runs only): throttling,
 * provisioned-throughput errors, timeouts, internal errors and, on transactions (at twice
 * the rate), `TransactionCanceledException` with a `TransactionConflict` reason. Deployed
 * functions never carry this module: the runtime adds it to the clients it builds handlers on.
 */
import { randomInt } from 'node:crypto';
import { AwsServiceError, serviceErrorOf } from '../../shared/platform/aws/aws-json-client.ts';
import { LOCAL_ENV } from './local-env.ts';

/** The variable of the SDK fault rate (re-exported by runtime.ts, where scripts look for it). */
export const SDK_FAULT_RATE_ENV = LOCAL_ENV.sdkFaultRate;

/** Every injected error's message ends with this, so a response that leaks one can be recognised. */
export const INJECTED_FAULT_MARKER = '(injected by JOINTLY_SDK_FAULT_RATE)';

/** What an injected SDK fault imitates. */
export type SdkFaultKind = 'throttling' | 'provisioned-throughput' | 'transaction-conflict' | 'timeout' | 'internal-error';

/**
 * Fault mixes. Transactions fail at twice the rate, mostly by conflicting (DynamoDB's
 * commonest transaction failure under contention); everything may be throttled or time out.
 */
const TRANSACTION_RATE_FACTOR = 2;
const TRANSACTION_FAULTS: readonly (readonly [SdkFaultKind, number])[] = [
  ['transaction-conflict', 60],
  ['throttling', 15],
  ['provisioned-throughput', 5],
  ['timeout', 10],
  ['internal-error', 10],
];
const OTHER_FAULTS: readonly (readonly [SdkFaultKind, number])[] = [
  ['throttling', 35],
  ['provisioned-throughput', 20],
  ['timeout', 25],
  ['internal-error', 20],
];

const pickKind = (mix: readonly (readonly [SdkFaultKind, number])[]): SdkFaultKind => {
  let draw = randomInt(mix.reduce((sum, [, weight]) => sum + weight, 0));
  for (const [kind, weight] of mix) {
    if (draw < weight) return kind;
    draw -= weight;
  }
  return mix[0]![0];
};

/** The fault to inject into one attempt of `command` at `rate`, if one is drawn. */
export const drawSdkFault = (command: string, rate: number): SdkFaultKind | undefined => {
  const transaction = command === 'TransactWriteItems';
  const effective = transaction ? Math.min(1, TRANSACTION_RATE_FACTOR * rate) : rate;
  if (effective <= 0 || Math.random() >= effective) return undefined;
  return pickKind(transaction ? TRANSACTION_FAULTS : OTHER_FAULTS);
};

/** The error DynamoDB (or the client's HTTP handler, for a timeout) would raise, as the DynamoDB client raises it. */
export const sdkFaultError = (kind: SdkFaultKind, input: unknown): Error => {
  const message = (text: string) => `${text} ${INJECTED_FAULT_MARKER}`;
  const answered = (name: string, text: string, status: number, fields: Record<string, unknown> = {}) =>
    serviceErrorOf(name, message(text), status, fields);
  switch (kind) {
    case 'throttling':
      return answered('ThrottlingException', 'Throughput exceeds the current capacity for one or more global secondary indexes.', 400);
    case 'provisioned-throughput':
      return answered(
        'ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded.',
        400,
      );
    case 'transaction-conflict': {
      // One reason per item, as DynamoDB gives them: one item conflicted, the rest were not evaluated.
      const items = Math.max(1, ((input as { TransactItems?: unknown[] })?.TransactItems ?? []).length);
      const conflicted = randomInt(items);
      const reasons = Array.from({ length: items }, (_, i) => ({ Code: i === conflicted ? 'TransactionConflict' : 'None' }));
      return answered(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        400,
        { CancellationReasons: reasons },
      );
    }
    case 'internal-error':
      return answered('InternalServerError', 'Internal server error', 500);
    case 'timeout':
      return new AwsServiceError('TimeoutError', message('Request timed out'), 'server', { attempts: 1 });
  }
};

/** A timeout costs time first (shortened from a real request timeout, to keep runs quick). */
export const timeoutDelay = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20 + randomInt(80)));
