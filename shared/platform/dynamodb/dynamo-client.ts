import { DocumentClient } from './document-client.ts';

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /** DynamoDB Local (or any endpoint) instead of the regional AWS endpoint. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * The document client every adapter uses (shared/platform/dynamodb/document-client.ts).
 * Against a local endpoint it carries dummy credentials and a region, so no AWS account is
 * ever needed (DynamoDB Local runs with `-sharedDb`, so every client sees one database
 * whatever these say).
 */
export const createDocumentClient = (options: DocumentClientOptions = {}): DocumentClient => {
  const local = options.endpoint !== undefined;
  return new DocumentClient(
    local
      ? {
          endpoint: options.endpoint,
          region: options.region ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { region: options.region },
  );
};
