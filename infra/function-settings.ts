/**
 * The one source of every function's run-time settings: timeout, memory, optional reserved
 * concurrency, what invokes it (event-source batch size, batching window, concurrency; the
 * schedule), the visibility timeout of the queue it consumes, and the environment it needs
 * from the stage. The CDK stacks (through `JointlyFunction`) deploy exactly these, and the
 * local runtime runs each invocation with them (`infra/local/invoke.ts`), so a budget that
 * does not fit shows up locally before it fails in AWS.
 *
 * The stage config keeps the defaults (`lambda.memoryMb`, `lambda.timeoutSeconds`); a
 * function overrides them here only where its work needs it.
 *
 * Pure data: no CDK imports.
 */
import { QUEUES, type QueueName } from '../shared/wiring/bus-rules.ts';
import { EVENT_ENV } from '../shared/platform/config/environment.ts';
import type { StageConfig } from './config/stage-config.ts';
import { EVENT_FUNCTIONS, FUNCTION_ENTRIES, type EventFunctionName, type FunctionEntry } from './function-entries.ts';

/** The HTTP API gives up on an integration after 30 s and answers 503 itself. */
export const API_INTEGRATION_TIMEOUT_SECONDS = 30;

/** An API function must time out before the HTTP API does, so its own error (500) is what the caller sees. */
export const MAX_API_FUNCTION_TIMEOUT_SECONDS = API_INTEGRATION_TIMEOUT_SECONDS - 1;

/** Lambda's ceiling. */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;

/**
 * A queue's visibility timeout is this many times its consumer's timeout (AWS's guidance for
 * Lambda event sources), so a message is not handed to a second invocation while the first
 * may still be running, and the mapping's own retries fit in.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** What invokes a function, beside the HTTP API. */
export type EventSourceSettings =
  | {
      readonly kind: 'sqs';
      readonly queue: QueueName;
      /** Messages per invocation. */
      readonly batchSize: number;
      /** How long the mapping gathers a batch; 0 = invoke as soon as a message is there. */
      readonly maxBatchingWindowSeconds: number;
      /** Concurrent invocations the mapping may start (SQS `ScalingConfig`); none = Lambda's own limit. */
      readonly maxConcurrency?: number;
    }
  | {
      readonly kind: 'dynamodb-stream';
      /** Records per invocation. */
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds: number;
      /** Retries of a failed batch before it goes to the on-failure queue. */
      readonly retryAttempts: number;
      readonly bisectBatchOnError: boolean;
    }
  | {
      readonly kind: 'schedule';
      /** EventBridge `rate(n minutes)`. */
      readonly rateMinutes: number;
    };

/** What a function sets beyond the stage defaults. */
export interface FunctionOverrides {
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /** Reserved concurrency; none = the account's unreserved pool. */
  readonly reservedConcurrency?: number;
}

/** The settings of one deployed function in one stage. */
export interface FunctionSettings extends FunctionEntry {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
  readonly eventSource?: EventSourceSettings;
  /**
   * The environment the function needs from the stage config (beside what every function
   * gets, and beside resource references such as queue URLs, which the stacks add).
   */
  readonly environment: Readonly<Record<string, string>>;
}

type StageSettingsInput = Pick<StageConfig, 'lambda' | 'sesSender' | 'webhookPolicy' | 'appBaseUrl'>;

/** The stage values the workers that deliver or queue deliveries read. */
const workerEnvironment = (config: StageSettingsInput): Record<string, string> => ({
  [EVENT_ENV.sesSender]: config.sesSender,
  [EVENT_ENV.webhookPolicy]: config.webhookPolicy,
  [EVENT_ENV.appBaseUrl]: config.appBaseUrl,
});

/** The event-path and scheduled functions: their triggers and what they override. */
export const EVENT_FUNCTION_SETTINGS = {
  publisher: {
    // Up to 100 outbox records per invocation: one PutEvents per 10, well inside the default timeout.
    eventSource: { kind: 'dynamodb-stream', batchSize: 100, maxBatchingWindowSeconds: 0, retryAttempts: 10, bisectBatchOnError: true },
  },
  recordKeeper: {
    // Archiving: every read of a record is a line, and gathering up to 10 s makes a few larger
    // objects rather than one per request (an auditor reads days, not seconds; the lag alarm is
    // at 60 s); 100 lines are at most a few PutObjects. Disposal: few records (closed referrals
    // at the end of their retention), each a query and a few batch deletes; a burst of them
    // gets 60 s, and a batch that still times out is halved (bisect) until it fits.
    overrides: { timeoutSeconds: 60 },
    eventSource: { kind: 'dynamodb-stream', batchSize: 100, maxBatchingWindowSeconds: 10, retryAttempts: 10, bisectBatchOnError: true },
  },
  fanOut: {
    eventSource: { kind: 'sqs', queue: 'fanOut', batchSize: 10, maxBatchingWindowSeconds: 0 },
    environment: workerEnvironment,
  },
  deliver: {
    // One message per invocation: a slow endpoint holds up nothing but its own delivery.
    eventSource: { kind: 'sqs', queue: 'deliveries', batchSize: 1, maxBatchingWindowSeconds: 0 },
    environment: workerEnvironment,
  },
  metrics: {
    // Batches of up to 10 with no batching window: a lone event is counted at once.
    eventSource: { kind: 'sqs', queue: 'metrics', batchSize: 10, maxBatchingWindowSeconds: 0 },
  },
  slaSweep: {
    // A backlog (after an outage, or a morning of breaches) is marked one transaction at a
    // time, 8 at once: the sweep needs room beyond an API request's 10 s. It stops starting
    // new marks a margin before its timeout (functions/scheduled/sla-sweep/handler.ts), and
    // a run overlapping the next minute's is harmless (every mark is conditional).
    overrides: { timeoutSeconds: 60 },
    eventSource: { kind: 'schedule', rateMinutes: 1 },
  },
  exportUsers: {
    // Once a day (rate(1 day)). It pages through the whole pool 60 users a call, one group
    // after another: seconds for today's pool, and room for one a hundred times larger.
    overrides: { timeoutSeconds: 120 },
    eventSource: { kind: 'schedule', rateMinutes: 1440 },
  },
} as const satisfies Record<
  EventFunctionName,
  {
    readonly overrides?: FunctionOverrides;
    readonly eventSource: EventSourceSettings;
    readonly environment?: (config: StageSettingsInput) => Record<string, string>;
  }
>;

/** API functions (by function id) whose work needs more than the stage default. */
export const API_FUNCTION_OVERRIDES: Readonly<Record<string, FunctionOverrides>> = {
  // A subject access export reads every page of a person's records across organisations, and an
  // erasure deletes them: more than a click's 10 s, inside the HTTP API's 30 s integration limit.
  subjectsApi: { timeoutSeconds: 28 },
};

/** A settings source that cannot be deployed; the message is one sentence. */
export class FunctionSettingsError extends Error {
  override name = 'FunctionSettingsError';
}

const isEventFunction = (id: string): id is EventFunctionName => Object.hasOwn(EVENT_FUNCTIONS, id);

const check = (settings: FunctionSettings): FunctionSettings => {
  const { id, kind, timeoutSeconds, memoryMb } = settings;
  const limit = kind === 'api' ? MAX_API_FUNCTION_TIMEOUT_SECONDS : MAX_FUNCTION_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > limit) {
    throw new FunctionSettingsError(
      `Function ${id} has a timeout of ${timeoutSeconds} s: it must be a whole number from 1 to ${limit} s${kind === 'api' ? ' (the HTTP API gives up at 30 s)' : ''}.`,
    );
  }
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
    throw new FunctionSettingsError(`Function ${id} has ${memoryMb} MB of memory: it must be a whole number from 128 to 10240 MB.`);
  }
  return settings;
};

/** The settings of `entry` in the stage `config`. */
export const settingsOf = (config: StageSettingsInput, entry: FunctionEntry): FunctionSettings => {
  const spec = isEventFunction(entry.id) ? EVENT_FUNCTION_SETTINGS[entry.id] : undefined;
  const overrides: FunctionOverrides = (spec && 'overrides' in spec ? spec.overrides : API_FUNCTION_OVERRIDES[entry.id]) ?? {};
  return check({
    ...entry,
    timeoutSeconds: overrides.timeoutSeconds ?? config.lambda.timeoutSeconds,
    memoryMb: overrides.memoryMb ?? config.lambda.memoryMb,
    ...(overrides.reservedConcurrency !== undefined ? { reservedConcurrency: overrides.reservedConcurrency } : {}),
    ...(spec ? { eventSource: spec.eventSource } : {}),
    environment: spec && 'environment' in spec ? spec.environment(config) : {},
  });
};

/** Every function of the stage, by function id (API functions first). */
export const stageFunctionSettings = (config: StageSettingsInput): ReadonlyMap<string, FunctionSettings> =>
  new Map(FUNCTION_ENTRIES.map((entry) => [entry.id, settingsOf(config, entry)]));

/** The settings of the function with id `id` (a route's function id, or an event function's name). */
export const functionSettings = (config: StageSettingsInput, id: string): FunctionSettings => {
  const entry = FUNCTION_ENTRIES.find((e) => e.id === id);
  if (!entry) throw new FunctionSettingsError(`No function has the id ${id}.`);
  return settingsOf(config, entry);
};

/**
 * The settings of the function `id` whose handler is `entry`: an event function by its
 * name, else an API function (a route's function id, also of a route table other than the
 * checked-in one, as tests build).
 */
export const functionSettingsFor = (config: StageSettingsInput, id: string, entry: string): FunctionSettings =>
  settingsOf(config, { id, kind: isEventFunction(id) ? EVENT_FUNCTIONS[id].kind : 'api', entry });

/** The function consuming `queue`. */
export const consumerOf = (queue: QueueName): EventFunctionName => {
  const found = (Object.keys(EVENT_FUNCTION_SETTINGS) as EventFunctionName[]).find((name) => {
    const source: EventSourceSettings = EVENT_FUNCTION_SETTINGS[name].eventSource;
    return source.kind === 'sqs' && source.queue === queue;
  });
  if (!found) throw new FunctionSettingsError(`No function consumes the queue ${queue}.`);
  return found;
};

/** The visibility timeout of `queue`: {@link VISIBILITY_TIMEOUT_FACTOR} × its consumer's timeout. */
export const queueVisibilityTimeoutSeconds = (config: StageSettingsInput, queue: QueueName): number =>
  VISIBILITY_TIMEOUT_FACTOR * functionSettings(config, consumerOf(queue)).timeoutSeconds;

/** The queue names, for iterating. */
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
