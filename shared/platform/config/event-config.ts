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
  /** Local runtime: AES-256 key (64 hex chars) sealing webhook secrets. */
  localSealKey: 'JOINTLY_LOCAL_SEAL_KEY',
  /** Local runtime: folder e-mails are written to as `.eml` files. */
  localMailDir: 'JOINTLY_LOCAL_MAIL_DIR',
  /** `public-https` (deployed: https only, public addresses only) or `allow-loopback` (local). */
  webhookPolicy: 'JOINTLY_WEBHOOK_POLICY',
  /**
   * Tests and benchmarks only: probability (0–1) that a publish or delivery attempt fails
   * on purpose, to prove retries lose and duplicate nothing. Never set in a deployed stage.
   */
  faultRate: 'JOINTLY_FAULT_RATE',
  /** Base URL that alert e-mails link to (the client application). */
  appBaseUrl: 'JOINTLY_APP_BASE_URL',
} as const;

const EventConfigSchema = z.object({
  eventBusName: z.string().min(1).optional(),
  deliveryQueueUrl: z.url().optional(),
  sesSender: z.email().optional(),
  sealKeyArn: z.string().min(1).optional(),
  localSealKey: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters').optional(),
  localMailDir: z.string().min(1).optional(),
  webhookPolicy: z.enum(['public-https', 'allow-loopback']).default('public-https'),
  faultRate: z.coerce.number().min(0).max(1).default(0),
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
