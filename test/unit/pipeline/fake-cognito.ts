/**
 * A Cognito user pool's two public sign-in calls on 127.0.0.1, enough for an SRP sign-in:
 * `InitiateAuth` (USER_SRP_AUTH) answers the PASSWORD_VERIFIER challenge, and
 * `RespondToAuthChallenge` checks the client's password claim as Cognito does, so a claim
 * signed with the wrong password, or with arithmetic that differs from Cognito's, is refused.
 *
 * The server side of SRP-6a is written out here, independently of the client library under
 * test: the RFC 5054 3072-bit group (Node's `modp15`), SHA-256, Cognito's padded hex, and the
 * "Caldera Derived Key" HKDF that keys the claim's HMAC.
 */
import { createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const GROUP = getDiffieHellman('modp15');
const N = BigInt(`0x${GROUP.getPrime('hex')}`);
const g = BigInt(`0x${GROUP.getGenerator('hex')}`);

const padHex = (value: bigint): string => {
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
};
const hashHex = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const toBigInt = (hex: string): bigint => BigInt(`0x${hex}`);
const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
};
const k = toBigInt(hashHex(padHex(N) + padHex(g)));

/** One user of the fake pool. */
export interface FakeUser {
  readonly password: string;
  /** Answer the password with this challenge instead of tokens (e.g. `NEW_PASSWORD_REQUIRED`). */
  readonly challenge?: string;
}

/** What the fake pool received. */
export interface FakeCognito {
  /** Cognito's endpoint for the client: `http://127.0.0.1:<port>/`. */
  readonly endpoint: string;
  /** The ID token the fake issues to `username`. */
  readonly idTokenOf: (username: string) => string;
  /** The operations called, in order. */
  readonly operations: string[];
  readonly close: () => Promise<void>;
}

/** A JWT-shaped token (the client decodes its payload; nothing verifies its signature here). */
const tokenOf = (claims: Record<string, unknown>): string => {
  const [header, payload] = [{ alg: 'none', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'));
  return `${header}.${payload}.fake`;
};

/** Starts a fake pool `<region>_<poolName>` holding `users`. */
export const startFakeCognito = async (poolName: string, users: Readonly<Record<string, FakeUser>>): Promise<FakeCognito> => {
  const operations: string[] = [];
  const sessions = new Map<
    string,
    { username: string; publicA: bigint; b: bigint; publicB: bigint; verifier: bigint; secretBlock: string }
  >();
  const idTokenOf = (username: string) =>
    tokenOf({
      sub: `sub-${username}`,
      'cognito:username': username,
      token_use: 'id',
      exp: Math.floor(Date.now() / 1000) + 3600,
      iat: Math.floor(Date.now() / 1000),
    });
  const accessTokenOf = (username: string) =>
    tokenOf({
      sub: `sub-${username}`,
      username,
      token_use: 'access',
      exp: Math.floor(Date.now() / 1000) + 3600,
      iat: Math.floor(Date.now() / 1000),
    });

  const fail = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

  const answer = (operation: string, input: Record<string, unknown>): { status: number; body: Record<string, unknown> } => {
    const field = (group: string, key: string): string => String((input[group] as Record<string, unknown> | undefined)?.[key] ?? '');
    if (operation === 'InitiateAuth') {
      if (input['AuthFlow'] !== 'USER_SRP_AUTH') return fail('InvalidParameterException', 'USER_SRP_AUTH only');
      const username = field('AuthParameters', 'USERNAME');
      const user = users[username];
      if (user === undefined) return fail('NotAuthorizedException', 'Incorrect username or password.');
      const publicA = toBigInt(field('AuthParameters', 'SRP_A') || '0');
      if (publicA % N === 0n) return fail('InvalidParameterException', 'bad SRP_A');
      const salt = randomBytes(16).toString('hex');
      const x = toBigInt(
        hashHex(padHex(toBigInt(salt)) + createHash('sha256').update(`${poolName}${username}:${user.password}`).digest('hex')),
      );
      const verifier = modPow(g, x, N);
      const b = toBigInt(randomBytes(128).toString('hex')) % N;
      const publicB = (k * verifier + modPow(g, b, N)) % N;
      const secretBlock = randomBytes(64).toString('base64');
      const session = randomBytes(16).toString('hex');
      sessions.set(session, { username, publicA, b, publicB, verifier, secretBlock });
      return {
        status: 200,
        body: {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: session,
          ChallengeParameters: {
            SRP_B: publicB.toString(16),
            SALT: salt,
            SECRET_BLOCK: secretBlock,
            USER_ID_FOR_SRP: username,
            USERNAME: username,
          },
        },
      };
    }
    if (operation === 'RespondToAuthChallenge') {
      const state = sessions.get(String(input['Session'] ?? ''));
      if (state === undefined || input['ChallengeName'] !== 'PASSWORD_VERIFIER') return fail('NotAuthorizedException', 'Invalid session.');
      const u = toBigInt(hashHex(padHex(state.publicA) + padHex(state.publicB)));
      const shared = modPow(state.publicA * modPow(state.verifier, u, N), state.b, N);
      const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
        .update(Buffer.from(padHex(shared), 'hex'))
        .digest();
      const key = createHmac('sha256', prk)
        .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
        .digest()
        .subarray(0, 16);
      const expected = createHmac('sha256', key)
        .update(
          Buffer.concat([
            Buffer.from(poolName, 'utf8'),
            Buffer.from(state.username, 'utf8'),
            Buffer.from(state.secretBlock, 'base64'),
            Buffer.from(field('ChallengeResponses', 'TIMESTAMP'), 'utf8'),
          ]),
        )
        .digest();
      const given = Buffer.from(field('ChallengeResponses', 'PASSWORD_CLAIM_SIGNATURE'), 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return fail('NotAuthorizedException', 'Incorrect username or password.');
      const challenge = users[state.username]?.challenge;
      // Cognito sends the user's attributes with a new-password challenge, as JSON strings.
      const parameters = challenge === 'NEW_PASSWORD_REQUIRED' ? { userAttributes: '{}', requiredAttributes: '[]' } : {};
      if (challenge !== undefined)
        return { status: 200, body: { ChallengeName: challenge, Session: 'next', ChallengeParameters: parameters } };
      return {
        status: 200,
        body: {
          AuthenticationResult: {
            IdToken: idTokenOf(state.username),
            AccessToken: accessTokenOf(state.username),
            RefreshToken: 'refresh-token',
            ExpiresIn: 3600,
            TokenType: 'Bearer',
          },
          ChallengeParameters: {},
        },
      };
    }
    return fail('UnknownOperationException', operation);
  };

  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
      operations.push(operation);
      const reply = answer(operation, JSON.parse(body || '{}') as Record<string, unknown>);
      response.writeHead(reply.status, { 'Content-Type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    idTokenOf,
    operations,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
