/**
 * A local stand-in for the one Secrets Manager call a Jointly function makes at cold start:
 * `GetSecretValue`, over the AWS JSON 1.1 protocol (`POST /`, `X-Amz-Target:
 * secretsmanager.GetSecretValue`, a JSON body naming the `SecretId`). The cold-start
 * benchmark points a bundle's SDK at it (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), so the bundle
 * reads its HMAC keys the way a deployed function does, and counts what each child asked.
 *
 * It checks nothing of the request's signature: it only has to answer as the service does.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The `X-Amz-Target` of the one operation answered. */
export const GET_SECRET_VALUE_TARGET = 'secretsmanager.GetSecretValue';

/** One secret the stand-in holds. */
export interface StandInSecret {
  readonly arn: string;
  readonly name: string;
  readonly value: string;
}

/** What the stand-in answers to one request. */
export interface StandInReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The secret it read, by ARN, when it answered one. */
  readonly secretArn?: string | undefined;
}

/** The service's content type for both directions. */
const AMZ_JSON = 'application/x-amz-json-1.1';

/** A fixed version id, shaped like the service's (a UUID); the benchmark never rotates. */
export const STAND_IN_VERSION_ID = '00000000-0000-4000-8000-000000000001';

const error = (status: number, type: string, message: string): StandInReply => ({
  status,
  headers: { 'content-type': AMZ_JSON, 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message }),
});

/**
 * The answer to one request (pure): the secret named by `SecretId` (its ARN or its name) as
 * the service returns it, or the service's error for an unknown operation, a malformed
 * body or an unknown secret.
 */
export const answerSecretsRequest = (
  method: string,
  target: string | undefined,
  body: string,
  secrets: readonly StandInSecret[],
  now: Date = new Date(),
): StandInReply => {
  if (method !== 'POST' || target !== GET_SECRET_VALUE_TARGET) {
    return error(400, 'UnknownOperationException', `The stand-in answers only ${GET_SECRET_VALUE_TARGET}.`);
  }
  let secretId: unknown;
  try {
    secretId = (JSON.parse(body) as { SecretId?: unknown } | null)?.SecretId;
  } catch {
    return error(400, 'SerializationException', 'The request body is not JSON.');
  }
  if (typeof secretId !== 'string' || secretId === '') return error(400, 'ValidationException', 'SecretId is required.');
  const secret = secrets.find((s) => s.arn === secretId || s.name === secretId);
  if (!secret) return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  return {
    status: 200,
    headers: { 'content-type': AMZ_JSON },
    body: JSON.stringify({
      ARN: secret.arn,
      Name: secret.name,
      VersionId: STAND_IN_VERSION_ID,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      // Seconds since the epoch, as the service's JSON protocol sends timestamps.
      CreatedDate: Math.floor(now.getTime() / 1000),
    }),
    secretArn: secret.arn,
  };
};

/** A running stand-in. */
export interface SecretsStandIn {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpoint: string;
  /** The ARNs read since the last call (one entry per answered `GetSecretValue`), and forgets them. */
  takeReads(): string[];
  /** Requests it refused since the last {@link takeReads}-like call, and forgets them (an unknown operation or secret). */
  takeRefusals(): string[];
  stop(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Starts the stand-in on a free loopback port, holding `secrets`. */
export const startSecretsStandIn = async (secrets: readonly StandInSecret[]): Promise<SecretsStandIn> => {
  let reads: string[] = [];
  let refusals: string[] = [];
  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const target = req.headers['x-amz-target'];
        const reply = answerSecretsRequest(req.method ?? 'GET', Array.isArray(target) ? target[0] : target, body, secrets);
        if (reply.secretArn) reads.push(reply.secretArn);
        else refusals.push(`${reply.headers['x-amzn-errortype']}: ${target ?? '(no target)'}`);
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
        res.end(reply.body);
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    takeReads: () => {
      const taken = reads;
      reads = [];
      return taken;
    },
    takeRefusals: () => {
      const taken = refusals;
      refusals = [];
      return taken;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
};
