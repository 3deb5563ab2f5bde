import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Something that instruments a new client (adds middleware); see {@link instrumentLocalClients}. */
export type ClientInstrument = (client: DynamoDBDocumentClient) => void;

const localInstruments: ClientInstrument[] = [];

/**
 * Local runtime, benchmarks and resilience runs only: every document client made from now
 * on is passed to `instrument` (to count its commands, or to inject throttling and
 * transaction conflicts at the SDK client, which DynamoDB Local never raises). Handlers make
 * their client at import, so register before importing them. Returns an unregister function.
 * Nothing registers one in a deployed stage.
 */
export const instrumentLocalClients = (instrument: ClientInstrument): (() => void) => {
  localInstruments.push(instrument);
  return () => {
    const at = localInstruments.indexOf(instrument);
    if (at >= 0) localInstruments.splice(at, 1);
  };
};

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /** DynamoDB Local (or any endpoint) instead of the regional AWS endpoint. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * The document client every adapter uses. Against a local endpoint it carries dummy
 * credentials and a region, so no AWS account is ever needed (DynamoDB Local runs with
 * `-sharedDb`, so every client sees one database whatever these say).
 */
export const createDocumentClient = (options: DocumentClientOptions = {}): DynamoDBDocumentClient => {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(local
      ? {
          endpoint: options.endpoint,
          region: options.region ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : options.region
        ? { region: options.region }
        : {}),
    maxAttempts: 3,
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  for (const instrument of localInstruments) instrument(documentClient);
  return documentClient;
};
