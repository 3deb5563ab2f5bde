/**
 * The bus message every event consumer receives: a Jointly event inside an EventBridge
 * envelope (an SQS message body). Parsed once here for all consumers (fan-out, metrics).
 */
import * as z from './zod.ts';
import { EVENT_SOURCE, EVENT_TYPES, PublishedEventSchema, type PublishedEvent } from './event-envelope.ts';

/** A queue message that is not a Jointly bus event. Its message names fields, never values. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

const BusMessageSchema = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.enum(EVENT_TYPES),
  detail: PublishedEventSchema,
});

/** The published event inside an EventBridge envelope (an SQS message body). */
export const parseBusMessage = (body: string): PublishedEvent => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('Message body is not JSON.');
  }
  const result = BusMessageSchema.safeParse(json);
  if (!result.success) {
    const paths = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    throw new MalformedMessageError(`Message is not a Jointly bus event (${paths}).`);
  }
  if (result.data['detail-type'] !== result.data.detail.type) throw new MalformedMessageError('detail-type does not match detail.type.');
  return result.data.detail;
};
