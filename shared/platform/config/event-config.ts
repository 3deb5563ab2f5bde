/**
 * Configuration of the event path, read once per cold start. The CDK stacks and the
 * local runtime set these variables.
 */
import * as z from 'zod';

export const EVENT_ENV = {
  /** EventBridge bus name (deployed). */
  eventBusName: 'JOINTLY_EVENT_BUS_NAME',
  /** SQS queue URL of delivery jobs (deployed). */
  deliveryQueueUrl: 'JOINTLY_DELIVERY_QUEUE_URL',
  /** SES sender identity for e-mail alerts (deployed). */
  sesSender: 'JOINTLY_SES_SENDER',
  /** KMS key ARN sealing webhook secrets (deployed). */
  sealKeyArn: 'JOINTLY_SEAL_KEY_ARN',
  /** `public-https` (deployed: https only, public addresses only) or `allow-loopback` (local). */
  webhookPolicy: 'JOINTLY_WEBHOOK_POLICY',
  /** Base URL that alert e-mails link to (the client application). */
  appBaseUrl: 'JOINTLY_APP_BASE_URL',
} as const;

const EventConfigSchema = z.object({
  eventBusName: z.string().min(1).optional(),
  deliveryQueueUrl: z.url().optional(),
  sesSender: z.email().optional(),
  sealKeyArn: z.string().min(1).optional(),
  webhookPolicy: z.enum(['public-https', 'allow-loopback']).default('public-https'),
  appBaseUrl: z.url().default('https://jointly.example.nhs.uk'),
});
export type EventConfig = z.infer<typeof EventConfigSchema>;

/** Reads and validates the event-path configuration. */
export const loadEventConfig = (env: NodeJS.ProcessEnv = process.env): EventConfig => {
  const raw = Object.fromEntries(Object.entries(EVENT_ENV).map(([field, name]) => [field, env[name] || undefined]));
  const result = EventConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new Error(`Invalid event configuration: ${EVENT_ENV[field as keyof typeof EVENT_ENV] ?? field} ${issue?.message ?? 'is invalid'}.`);
  }
  return result.data;
};
