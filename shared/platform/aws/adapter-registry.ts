/**
 * How a function gets its event-path adapters without bundling the ones it does not use.
 * Deployed: AWS adapters, each made on first use by a maker its composition root names
 * (shared/wiring/*.ts imports the makers, one module per adapter: aws-event-bus.ts,
 * aws-job-queue.ts, aws-sealer.ts, aws-mailer.ts). Local: the runtime registers in-process
 * implementations here before it imports any handler, so handlers never know which they
 * run on.
 *
 * No AWS SDK module is imported here, even lazily, so a Lambda bundle holds exactly the
 * SDK clients of the makers its composition root imports. The makers' modules import
 * their clients statically: a dynamic `import()` would not shrink a bundle (esbuild
 * inlines it when not splitting) but grow it, by wrapping every module it reaches in a
 * lazy initialiser that defeats tree-shaking (−35 to −100 KB per function measured).
 * (`adapters.ts` offers every AWS adapter, for tests and tools.)
 */
import { ConfigurationError } from '../config/runtime-config.ts';
import { loadEventConfig, type EventConfig } from '../config/event-config.ts';
import type { DeliveryJob, EventBus, JobQueue, Mailer, SecretSealer } from '../../core/messaging-ports.ts';

/** The adapters a process uses. */
export interface EventAdapters {
  readonly bus: EventBus;
  readonly deliveryQueue: JobQueue<DeliveryJob>;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
}

/** One adapter's name. */
export type EventAdapterName = keyof EventAdapters;

/**
 * Makes one AWS adapter from the event configuration, on its first use. Fails with a
 * {@link ConfigurationError} naming the variable when a setting it needs is missing.
 */
export type AwsAdapterMaker<K extends EventAdapterName> = (config: EventConfig) => EventAdapters[K] | Promise<EventAdapters[K]>;

/** The AWS adapters a function uses, by name; a port left out fails when used. */
export type AwsAdapterMakers = { readonly [K in EventAdapterName]?: AwsAdapterMaker<K> };

const REGISTRY = Symbol.for('jointly.local-event-adapters');

/** The local runtime's registration (in-process bus, queues, mail folder, local sealer). */
export const registerLocalEventAdapters = (adapters: EventAdapters): void => {
  (globalThis as Record<symbol, unknown>)[REGISTRY] = adapters;
};

/** The locally registered adapters, if this process is the local runtime. */
export const localEventAdapters = (): EventAdapters | undefined =>
  (globalThis as Record<symbol, unknown>)[REGISTRY] as EventAdapters | undefined;

/** `value`, or a {@link ConfigurationError} saying which variable to set for `what`. */
export const requiredSetting = (value: string | undefined, variable: string, what: string): string => {
  if (!value) throw new ConfigurationError(`${variable} is not set, so this function cannot ${what}.`);
  return value;
};

/** A value made on first use (and made again if making it failed). */
const onFirstUse = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
};

/**
 * The AWS adapters `makers` name, for `config`. Each is made (and its SDK client created)
 * on first use, so a function needs only the configuration of the adapters it uses: the
 * publisher only the bus name, the fan-out only the queue URL. A missing setting fails the
 * first use with a sentence naming it; so does using a port the function has no maker for.
 */
export const awsAdaptersFrom = (config: EventConfig, makers: AwsAdapterMakers): EventAdapters => {
  const lazily = <K extends EventAdapterName>(name: K): (() => Promise<EventAdapters[K]>) => {
    const maker = makers[name] as AwsAdapterMaker<K> | undefined;
    if (!maker) {
      return () =>
        Promise.reject(new ConfigurationError(`This function has no AWS ${name} adapter: its composition root (shared/wiring) names none.`));
    }
    return onFirstUse(async () => maker(config));
  };
  const bus = lazily('bus');
  const deliveryQueue = lazily('deliveryQueue');
  const sealer = lazily('sealer');
  const mailer = lazily('mailer');
  return {
    bus: { publish: async (events) => (await bus()).publish(events) },
    deliveryQueue: { send: async (job, delaySeconds) => (await deliveryQueue()).send(job, delaySeconds) },
    sealer: {
      seal: async (plaintext, context) => (await sealer()).seal(plaintext, context),
      open: async (sealed, context) => (await sealer()).open(sealed, context),
    },
    mailer: { send: async (message) => (await mailer()).send(message) },
  };
};

/**
 * The adapters of a function whose AWS adapters are `makers`: a function returning the
 * local runtime's registration if there is one (checked at every call, so a registration
 * made after import counts), else the AWS adapters, configured once from the environment
 * at the first call. Composition roots (shared/wiring) call this once at import.
 */
export const eventAdaptersOf = (makers: AwsAdapterMakers): (() => EventAdapters) => {
  let deployed: EventAdapters | undefined;
  return () => localEventAdapters() ?? (deployed ??= awsAdaptersFrom(loadEventConfig(), makers));
};
