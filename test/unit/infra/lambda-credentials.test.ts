/**
 * The credential chain Lambda bundles get instead of `@aws-sdk/credential-provider-node`
 * (infra/bundling/lambda-credentials.ts): environment credentials first, the container
 * endpoint only when one is configured, and the same exports as the module it replaces.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as real from '@aws-sdk/credential-provider-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as alias from '#infra/bundling/lambda-credentials.ts';
import { fileURLToPath } from 'node:url';

const CREDENTIAL_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(CREDENTIAL_ENV.map((name) => [name, process.env[name]]));
  for (const name of CREDENTIAL_ENV) delete process.env[name];
});

afterEach(() => {
  for (const name of CREDENTIAL_ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** A container credentials endpoint on a loopback port, answering as Lambda's and ECS's do. */
const containerEndpoint = async (): Promise<{ url: string; authorizations: (string | undefined)[]; close: () => Promise<void> }> => {
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        AccessKeyId: 'ASIACONTAINER',
        SecretAccessKey: 'container-secret',
        Token: 'container-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/credentials`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

describe('defaultProvider (Lambda bundles)', () => {
  it('returns the credentials Lambda puts in the environment, session token included', async () => {
    // Prepare
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' });

    // Act
    const credentials = await alias.defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAENV', secretAccessKey: 'env-secret', sessionToken: 'env-token' });
  });

  it('prefers the environment over a configured container endpoint, which it never calls', async () => {
    // Prepare
    const endpoint = await containerEndpoint();
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIAENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
    });

    try {
      // Act
      const credentials = await alias.defaultProvider()();

      // Assess
      expect(credentials.accessKeyId).toBe('ASIAENV');
      expect(endpoint.authorizations).toEqual([]);
    } finally {
      await endpoint.close();
    }
  });

  it('falls back to the container credentials endpoint when the environment has no keys', async () => {
    // Prepare
    const endpoint = await containerEndpoint();
    Object.assign(process.env, { AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-auth' });

    try {
      // Act
      const credentials = await alias.defaultProvider()();

      // Assess
      expect(credentials).toMatchObject({
        accessKeyId: 'ASIACONTAINER',
        secretAccessKey: 'container-secret',
        sessionToken: 'container-token',
      });
      expect(credentials.expiration).toBeInstanceOf(Date);
      expect(endpoint.authorizations).toEqual(['container-auth']);
    } finally {
      await endpoint.close();
    }
  });

  it('with neither, fails with the environment provider’s sentence (no file, process or metadata lookups)', async () => {
    // Act
    const resolving = alias.defaultProvider()();

    // Assess
    await expect(resolving).rejects.toThrow('Unable to find environment variable credentials.');
  });
});

describe('the alias module stands in for @aws-sdk/credential-provider-node', () => {
  it('exports every name the real module exports', () => {
    // Prepare: Node loads the real module's CommonJS build; its interop keys are no exports.
    const names = Object.keys(real).filter((name) => name !== 'default' && name !== 'module.exports');

    // Assess
    expect(names).toContain('defaultProvider');
    expect(Object.keys(alias)).toEqual(expect.arrayContaining(names));
  });

  it('exports every name an installed SDK client imports from it', () => {
    // Prepare: each client's Node runtime config imports the default chain.
    const sdk = path.join(REPO_ROOT, 'node_modules/@aws-sdk');
    const imported = new Set<string>();
    for (const client of readdirSync(sdk).filter((name) => name.startsWith('client-'))) {
      const source = readFileSync(path.join(sdk, client, 'dist-es/runtimeConfig.js'), 'utf8');
      for (const [, names] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/credential-provider-node"/g)) {
        for (const name of names!.split(',')) imported.add(name.trim().split(/\s+as\s+/)[0]!);
      }
    }

    // Assess
    expect(imported).toContain('defaultProvider');
    expect(Object.keys(alias)).toEqual(expect.arrayContaining([...imported]));
  });

  it.each([
    ['no expiration', {}],
    ['an hour left', { expiration: new Date(Date.now() + 3_600_000) }],
    ['two minutes left', { expiration: new Date(Date.now() + 120_000) }],
    ['expired', { expiration: new Date(Date.now() - 1_000) }],
  ])('judges expiry as the real module does: %s', (_, extra) => {
    // Prepare
    const credentials = { accessKeyId: 'a', secretAccessKey: 's', ...extra };

    // Assess
    expect(alias.credentialsTreatedAsExpired(credentials)).toBe(real.credentialsTreatedAsExpired(credentials));
    expect(alias.credentialsWillNeedRefresh(credentials)).toBe(real.credentialsWillNeedRefresh(credentials));
  });
});
