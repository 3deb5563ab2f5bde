/**
 * Where handlers get the event-path adapters. Deployed: AWS clients configured from the
 * environment. Local: the runtime registers in-process implementations here before it
 * imports any handler, so handlers never know which they run on.
 *
 * This module offers *every* AWS adapter (`eventAdapters()`, `awsEventAdapters()`), for
 * tests and tools. Code bundled into a Lambda goes through its composition root
 * (shared/wiring/*.ts), which names only the adapters its function uses
 * (`eventAdaptersOf` in adapter-registry.ts), so its bundle holds only those SDK clients.
 */
import { awsAdaptersFrom, eventAdaptersOf, type AwsAdapterMakers, type EventAdapters } from './adapter-registry.ts';
import type { EventConfig } from '../config/event-config.ts';

export {
  awsAdaptersFrom,
  eventAdaptersOf,
  localEventAdapters,
  registerLocalEventAdapters,
  requiredSetting,
  type AwsAdapterMaker,
  type AwsAdapterMakers,
  type EventAdapterName,
  type EventAdapters,
} from './adapter-registry.ts';

/**
 * Every AWS adapter's maker, each loading its module (and SDK client) on first use, so
 * that importing this module (the local runtime and tests do, to register their adapters)
 * loads no AWS SDK client.
 */
export const ALL_AWS_ADAPTERS: AwsAdapterMakers = {
  bus: async (config) => (await import('./aws-event-bus.ts')).awsEventBus(config),
  deliveryQueue: async (config) => (await import('./aws-job-queue.ts')).awsDeliveryQueue(config),
  sealer: async (config) => (await import('./aws-sealer.ts')).awsSealer(config),
  mailer: async (config) => (await import('./aws-mailer.ts')).awsMailer(config),
};

/**
 * The AWS adapters for `config` (all of them unless `makers` says otherwise), each built
 * on first use; a missing setting fails the first use with a sentence naming it.
 */
export const awsEventAdapters = (config: EventConfig, makers: AwsAdapterMakers = ALL_AWS_ADAPTERS): EventAdapters =>
  awsAdaptersFrom(config, makers);

/**
 * The adapters of this process: the local runtime's if it registered them, else every AWS
 * adapter, configured once (per cold start) from the environment.
 */
export const eventAdapters: () => EventAdapters = eventAdaptersOf(ALL_AWS_ADAPTERS);
