/**
 * What Lambda bundles get instead of `@smithy/core/event-streams` (esbuild `alias`, see
 * `LAMBDA_ALIASES`). Every SDK client's protocol imports that module lazily, for operations
 * whose input or output is an event stream (Transcribe, Bedrock, S3 Select). None of the
 * operations Jointly calls (DynamoDB, SQS, KMS, SES, EventBridge, Secrets Manager) has one,
 * yet without code splitting the lazy import is bundled whole: about 15 KB of minified code
 * per function, parsed at every cold start.
 *
 * Each export has the real module's name and throws if it is ever used, saying why: a client
 * that starts needing event streams fails loudly on its first such call, never silently.
 * Only bundles use this; test/unit/infra/no-event-streams.test.ts fails if the real module
 * gains or loses an export.
 */

/** The error every stand-in throws. */
export class EventStreamsNotBundledError extends Error {
  override readonly name = 'EventStreamsNotBundledError';
  constructor(what: string) {
    super(`${what}: event streams are not bundled into Jointly's functions (infra/bundling/no-event-streams.ts).`);
  }
}

const unavailable = (name: string) =>
  class {
    constructor() {
      throw new EventStreamsNotBundledError(name);
    }
  };

const refuse =
  (name: string) =>
  (..._args: unknown[]): never => {
    throw new EventStreamsNotBundledError(name);
  };

export const EventStreamCodec = unavailable('EventStreamCodec');
export const HeaderMarshaller = unavailable('HeaderMarshaller');
export const Int64 = unavailable('Int64');
export const MessageDecoderStream = unavailable('MessageDecoderStream');
export const MessageEncoderStream = unavailable('MessageEncoderStream');
export const SmithyMessageDecoderStream = unavailable('SmithyMessageDecoderStream');
export const SmithyMessageEncoderStream = unavailable('SmithyMessageEncoderStream');
export const EventStreamMarshaller = unavailable('EventStreamMarshaller');
export const UniversalEventStreamMarshaller = unavailable('UniversalEventStreamMarshaller');
export const EventStreamSerde = unavailable('EventStreamSerde');
export const eventStreamSerdeProvider = refuse('eventStreamSerdeProvider');
export const universalEventStreamSerdeProvider = refuse('universalEventStreamSerdeProvider');
export const readableStreamToIterable = refuse('readableStreamToIterable');
export const iterableToReadableStream = refuse('iterableToReadableStream');
export const getChunkedStream = refuse('getChunkedStream');
export const getUnmarshalledStream = refuse('getUnmarshalledStream');
export const getMessageUnmarshaller = refuse('getMessageUnmarshaller');
export const resolveEventStreamSerdeConfig = refuse('resolveEventStreamSerdeConfig');
