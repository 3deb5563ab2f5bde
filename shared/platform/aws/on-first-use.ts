/**
 * The AWS adapters of the event-path ports, each made on its first use. A composition root
 * (shared/wiring) names the makers its function uses (one module per adapter:
 * aws-event-bus.ts, aws-job-queue.ts, aws-sealer.ts, aws-mailer.ts) and wraps each in
 * one of these, so a function needs only the settings of the adapters it uses (the
 * publisher only the bus name, the fan-out only the queue URL), and a missing setting
 * fails the first use with a sentence naming the variable, not the cold start.
 *
 * No AWS adapter is imported here, even lazily, so a Lambda bundle holds exactly the
 * adapters of the makers its composition root imports. A maker may be asynchronous: the
 * makers of clients that only some requests need (KMS, SES, and SQS outside the fan-out)
 * load their adapter's module with `import()`, which the bundles' code splitting turns
 * into a chunk read by the first request that needs it, not by every cold start
 * (infra/bundling/function-bundle.ts). Either way the adapter, and so its client and
 * connection pool, is made once per wrapper, that is once per process.
 */
import { ConfigurationError } from '../config/runtime-config.ts';
import type { EventConfig } from '../config/event-config.ts';
import type { EventBus, JobQueue, Mailer, SecretSealer } from '../../core/messaging-ports.ts';

/**
 * Makes one AWS adapter from the event configuration, at once or (when it loads its module
 * on demand) as a promise. Fails with a {@link ConfigurationError} naming the variable when
 * a setting it needs is missing.
 */
export type AwsAdapterMaker<T> = (config: EventConfig) => T | Promise<T>;

/** `value`, or a {@link ConfigurationError} saying which variable to set for `what`. */
export const requiredSetting = (value: string | undefined, variable: string, what: string): string => {
  if (!value) throw new ConfigurationError(`${variable} is not set, so this function cannot ${what}.`);
  return value;
};

/**
 * A value made on first use (and made again if making it failed). Concurrent first uses
 * share one making: the promise is kept, not the value, so a slow `import()` is not raced.
 */
export const onFirstUse = <T>(make: () => T | Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= Promise.resolve()
      .then(make)
      .catch((error: unknown) => {
        made = undefined;
        throw error;
      }));
};

/** A bus made by `make` when it is first published to. */
export const busOnFirstUse = (make: () => EventBus | Promise<EventBus>): EventBus => {
  const bus = onFirstUse(make);
  return { publish: async (events) => (await bus()).publish(events) };
};

/** A job queue made by `make` when a job is first sent. */
export const jobQueueOnFirstUse = <T>(make: () => JobQueue<T> | Promise<JobQueue<T>>): JobQueue<T> => {
  const queue = onFirstUse(make);
  return { send: async (job, delaySeconds) => (await queue()).send(job, delaySeconds) };
};

/** A sealer made by `make` when a secret is first sealed or opened. */
export const sealerOnFirstUse = (make: () => SecretSealer | Promise<SecretSealer>): SecretSealer => {
  const sealer = onFirstUse(make);
  return {
    seal: async (plaintext, context) => (await sealer()).seal(plaintext, context),
    open: async (sealed, context) => (await sealer()).open(sealed, context),
  };
};

/** A mailer made by `make` when a message is first sent. */
export const mailerOnFirstUse = (make: () => Mailer | Promise<Mailer>): Mailer => {
  const mailer = onFirstUse(make);
  return { send: async (message) => (await mailer()).send(message) };
};
