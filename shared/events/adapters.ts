/**
 * Where handlers get the event-path adapters. Deployed: AWS clients configured from the
 * environment. Local: the runtime registers in-process implementations here before it
 * imports any handler, so handlers never know which they run on.
 */
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
