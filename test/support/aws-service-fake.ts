/**
 * An AWS JSON-protocol service answered in-process: a real {@link AwsJsonClient} whose last
 * per-attempt interceptor plays the service. Each request is recorded as it would travel
 * (the operation and its JSON body, round-tripped through JSON as on the wire); `answer`
 * returns the service's JSON answer or throws its error ({@link AwsServiceError}).
 */
import { type AwsServiceError, AwsJsonClient, serviceErrorOf } from '#shared/platform/aws/aws-json-client.ts';

/** One request the fake received. */
export interface FakeRequest {
  readonly operation: string;
  readonly input: Record<string, any>;
}

/** A client of a fake service, and what it received. */
export const fakeAwsService = (answer: (request: FakeRequest) => Record<string, unknown> | Promise<Record<string, unknown>>) => {
  const requests: FakeRequest[] = [];
  /** The path of each REST-JSON request, in order. */
  const paths: string[] = [];
  const client = new AwsJsonClient({
    service: 'fake',
    endpointId: 'FAKE',
    targetPrefix: 'Fake',
    jsonVersion: '1.1',
    region: 'eu-west-2',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.intercept('attempt', async (context) => {
    const request = { operation: context.operation, input: JSON.parse(JSON.stringify(context.input)) as Record<string, any> };
    requests.push(request);
    if (context.path !== undefined) paths.push(context.path);
    return answer(request);
  });
  return { client, requests, paths };
};

/** An error answer of the service, as the client raises it. */
export const serviceError = (name: string, status = 400, fields: Record<string, unknown> = {}): AwsServiceError =>
  serviceErrorOf(name, name, status, fields);
