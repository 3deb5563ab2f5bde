/**
 * Where handlers get the event-path adapters. Deployed: AWS clients configured from the
 * environment. Local: the runtime registers in-process implementations here before it
 * imports any handler, so handlers never know which they run on.
 */
import { ConfigurationError } from '../config/runtime-config.ts';
import { EVENT_ENV, loadEventConfig, type EventConfig } from './event-config.ts';
import type { EventBus, DeliveryJob, JobQueue, Mailer, SecretSealer } from './ports.ts';

/** The adapters a process uses. */
export interface EventAdapters {
  readonly bus: EventBus;
  readonly deliveryQueue: JobQueue<DeliveryJob>;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
}

const REGISTRY = Symbol.for('jointly.local-event-adapters');

/** The local runtime's registration (in-process bus, queues, mail folder, local sealer). */
export const registerLocalEventAdapters = (adapters: EventAdapters): void => {
  (globalThis as Record<symbol, unknown>)[REGISTRY] = adapters;
};

/** The locally registered adapters, if this process is the local runtime. */
export const localEventAdapters = (): EventAdapters | undefined =>
  (globalThis as Record<symbol, unknown>)[REGISTRY] as EventAdapters | undefined;

/** A value made on first use (and made again if making it failed). */
const onFirstUse = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
};

const required = (value: string | undefined, variable: string, what: string): string => {
  if (!value) throw new ConfigurationError(`${variable} is not set, so this function cannot ${what}.`);
  return value;
};

/**
 * The AWS adapters for `config`. Each is built on first use, and its SDK client module is
 * loaded only then (dynamic import), so a function pays at cold start only for what it
 * uses and needs only that adapter's configuration: the publisher only the bus name, the
 * fan-out only the queue URL. A missing setting fails the first use with a sentence naming it.
 */
export const awsEventAdapters = (config: EventConfig): EventAdapters => {
  const bus = onFirstUse(async () => {
    const eventBusName = required(config.eventBusName, EVENT_ENV.eventBusName, 'publish events');
    const { EventBridgeBus } = await import('./aws-adapters.ts');
    return new EventBridgeBus({ eventBusName });
  });
  const deliveryQueue = onFirstUse(async () => {
    const queueUrl = required(config.deliveryQueueUrl, EVENT_ENV.deliveryQueueUrl, 'queue deliveries');
    const { SqsJobQueue } = await import('./aws-adapters.ts');
    return new SqsJobQueue<DeliveryJob>({ queueUrl });
  });
  const sealer = onFirstUse(async () => {
    const { sealerFromConfig } = await import('./sealers.ts');
    return sealerFromConfig(config);
  });
  const mailer = onFirstUse(async () => {
    const from = required(config.sesSender, EVENT_ENV.sesSender, 'send e-mail');
    const [{ SesMailer }, { SESv2Client }] = await Promise.all([import('./mailers.ts'), import('@aws-sdk/client-sesv2')]);
    return new SesMailer({ client: new SESv2Client({}), from });
  });
  return {
    bus: { publish: async (events) => (await bus()).publish(events) },
    deliveryQueue: { send: async (job, delaySeconds) => (await deliveryQueue()).send(job, delaySeconds) },
    sealer: { seal: async (plaintext) => (await sealer()).seal(plaintext), open: async (sealed) => (await sealer()).open(sealed) },
    mailer: { send: async (message) => (await mailer()).send(message) },
  };
};

let deployed: EventAdapters | undefined;

/**
 * The adapters of this process: the local runtime's if it registered them, else the AWS
 * ones, configured once (per cold start) from the environment.
 */
export const eventAdapters = (): EventAdapters => localEventAdapters() ?? (deployed ??= awsEventAdapters(loadEventConfig()));
