/**
 * Configuration of the event path, read once per cold start. The CDK stacks and the
 * local runtime set these variables (their names: environment.ts).
 */
import * as z from '../../core/zod.ts';
import { EVENT_ENV } from './environment.ts';

const EventConfigSchema = z.object({
  eventBusName: z.optional(z.string().check(z.minLength(1))),
  deliveryQueueUrl: z.optional(z.url()),
  sesSender: z.optional(z.email()),
  sealKeyArn: z.optional(z.string().check(z.minLength(1))),
  webhookPolicy: z._default(z.enum(['public-https', 'allow-loopback']), 'public-https'),
  appBaseUrl: z._default(z.url(), 'https://jointly.example.nhs.uk'),
});
export type EventConfig = z.infer<typeof EventConfigSchema>;

/** Reads and validates the event-path configuration. */
export const loadEventConfig = (env: NodeJS.ProcessEnv = process.env): EventConfig => {
  const raw = Object.fromEntries(Object.entries(EVENT_ENV).map(([field, name]) => [field, env[name] || undefined]));
  const result = EventConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new Error(
      `Invalid event configuration: ${EVENT_ENV[field as keyof typeof EVENT_ENV] ?? field} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  return result.data;
};
