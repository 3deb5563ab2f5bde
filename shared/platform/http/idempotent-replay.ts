/**
 * Hands an idempotent replay from the idempotency middleware to the handler stack. A middy
 * `before` that returns a response ends the request early and skips every `after` hook,
 * so a replayed 201 would leave without its correlation id, security headers and
 * `Cache-Control: no-store`. Instead the replay is held here (keyed by the event object
 * middy passes on) and returned by the core handler, so it takes the normal way out. Its
 * own module so that functions without idempotency do not bundle Powertools to read it.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const replays = new WeakMap<object, APIGatewayProxyStructuredResultV2>();

/** Keeps the stored response to replay for this event. */
export const holdReplay = (event: object, response: APIGatewayProxyStructuredResultV2): void => {
  replays.set(event, response);
};

/** The response to replay for this event, if the idempotency middleware found one (once). */
export const takeReplay = (event: object): APIGatewayProxyStructuredResultV2 | undefined => {
  const replay = replays.get(event);
  replays.delete(event);
  return replay;
};
