/**
 * The AWS adapters of the event-path ports, each made on its first use. A composition root
 * (shared/wiring) names the makers its function uses (one module per adapter:
 * aws-event-bus.ts, aws-job-queue.ts, aws-sealer.ts, aws-mailer.ts) and wraps each in
 * one of these, so a function needs only the settings of the adapters it uses (the
 * publisher only the bus name, the fan-out only the queue URL), and a missing setting
 * fails the first use with a sentence naming the variable, not the cold start.
 *
 * No AWS SDK module is imported here, even lazily, so a Lambda bundle holds exactly the SDK
 * clients of the makers its composition root imports. The makers' modules import their
 * clients statically: a dynamic `import()` would not shrink a bundle (esbuild inlines it
 * when not splitting) but grow it, by wrapping every module it reaches in a lazy
 * initialiser that defeats tree-shaking (−35 to −100 KB per function measured).
 */
import { ConfigurationError } from '../config/runtime-config.ts';
import type { EventConfig } from '../config/event-config.ts';
import type { EventBus, JobQueue, Mailer, SecretSealer } from '../../core/messaging-ports.ts';

/**
 * Makes one AWS adapter from the event configuration. Fails with a
 * {@link ConfigurationError} naming the variable when a setting it needs is missing.
 */
export type AwsAdapterMaker<T> = (config: EventConfig) => T;

/** `value`, or a {@link ConfigurationError} saying which variable to set for `what`. */
export const requiredSetting = (value: string | undefined, variable: string, what: string): string => {
  if (!value) throw new ConfigurationError(`${variable} is not set, so this function cannot ${what}.`);
  return value;
};

/** A value made on first use (and made again if making it failed). */
const onFirstUse = <T>(make: () => T): (() => Promise<T>) => {
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
export const busOnFirstUse = (make: () => EventBus): EventBus => {
  const bus = onFirstUse(make);
  return { publish: async (events) => (await bus()).publish(events) };
};

/** A job queue made by `make` when a job is first sent. */
export const jobQueueOnFirstUse = <T>(make: () => JobQueue<T>): JobQueue<T> => {
  const queue = onFirstUse(make);
  return { send: async (job, delaySeconds) => (await queue()).send(job, delaySeconds) };
};

/** A sealer made by `make` when a secret is first sealed or opened. */
export const sealerOnFirstUse = (make: () => SecretSealer): SecretSealer => {
  const sealer = onFirstUse(make);
  return {
    seal: async (plaintext, context) => (await sealer()).seal(plaintext, context),
    open: async (sealed, context) => (await sealer()).open(sealed, context),
  };
};

/** A mailer made by `make` when a message is first sent. */
export const mailerOnFirstUse = (make: () => Mailer): Mailer => {
  const mailer = onFirstUse(make);
  return { send: async (message) => (await mailer()).send(message) };
};
