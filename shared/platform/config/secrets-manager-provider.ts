/**
 * Powertools Parameters' provider of Secrets Manager secrets, over the small JSON-protocol
 * client (shared/platform/aws/aws-json-client.ts) instead of the SDK's Secrets Manager
 * client, whose Smithy runtime would otherwise be loaded by every API cold start for one
 * call (decision record 49). It extends `BaseProvider`, Powertools' extension point for
 * stores, so caching (`maxAge`), `forceFetch` and transforms stay Powertools' own.
 */
import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { type AwsJsonClient, awsJsonClient } from '../aws/aws-json-client.ts';

/** What `GetSecretValue` answers (the fields read). */
interface SecretValue {
  readonly SecretString?: string;
  readonly SecretBinary?: string;
}

/** Secrets Manager secrets through Powertools' caching; see the module comment. */
export class SecretsManagerProvider extends BaseProvider {
  private readonly secrets: AwsJsonClient;

  constructor(client?: AwsJsonClient) {
    super({});
    this.secrets = client ?? awsJsonClient('secretsManager');
  }

  /** One secret's current value: its string, or its binary as bytes (the SDK's shapes). */
  protected async _get(name: string): Promise<string | Uint8Array | undefined> {
    const answer = await this.secrets.call<SecretValue>('GetSecretValue', { SecretId: name });
    if (answer.SecretString !== undefined) return answer.SecretString;
    return answer.SecretBinary === undefined ? undefined : new Uint8Array(Buffer.from(answer.SecretBinary, 'base64'));
  }

  /** Secrets Manager has no path listing. */
  protected async _getMultiple(): Promise<Record<string, unknown> | undefined> {
    throw new Error('Secrets Manager has no getMultiple.');
  }
}
