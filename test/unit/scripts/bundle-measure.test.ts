/**
 * The pure parts of scripts/bundle-measure.ts (median, package attribution, the import
 * environment), and one small end-to-end run:
 * a bundle is built, imported in a fresh `node`, timed, and a failing import fails loudly.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES } from '#infra/function-entries.ts';
import { loadRuntimeConfig } from '#shared/platform/config/runtime-config.ts';
import { loadEventConfig } from '#shared/platform/config/event-config.ts';
import { importEnvironment, measureBundles, median, packageOf } from '#scripts/bundle-measure.ts';

describe('median', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[40, 10, 30, 20], 25],
    [[7, 7, 100, 7, 1], 7],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('leaves its input unsorted', () => {
    // Prepare
    const values = [3, 1, 2];

    // Act
    median(values);

    // Assess
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow('no values');
  });
});

describe('packageOf', () => {
  it.each([
    ['node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js', '@aws-sdk/client-sqs'],
    ['node_modules/zod/v4/core/schemas.js', 'zod'],
    [
      'node_modules/@aws-lambda-powertools/idempotency/node_modules/@aws-lambda-powertools/jmespath/lib/esm/Functions.js',
      '@aws-lambda-powertools/jmespath',
    ],
    ['shared/platform/dynamodb/keys.ts', 'jointly'],
    ['infra/bundling/lambda-credentials.ts', 'jointly'],
  ])('%s → %s', (input, expected) => {
    expect(packageOf(input)).toBe(expected);
  });
});

describe('importEnvironment', () => {
  it('initialises locally: keys from the environment (no Secrets Manager), a local table endpoint', () => {
    // Act
    const env = importEnvironment('getReferral');
    const config = loadRuntimeConfig(env);

    // Assess
    expect(config).toMatchObject({ stage: 'local', tableName: expect.any(String), dynamodbEndpoint: 'http://127.0.0.1:9' });
    expect(config.subjectHashKey).toBeDefined();
    expect(config.cursorKey).toBeDefined();
    expect(() => loadEventConfig(env)).not.toThrow();
  });

  it('gives Lambda-style credentials in the environment and inherits nothing else but PATH', () => {
    // Prepare
    process.env.AWS_PROFILE = 'someone-real';

    try {
      // Act
      const env = importEnvironment('getReferral');

      // Assess
      expect(env).toMatchObject({
        AWS_ACCESS_KEY_ID: expect.any(String),
        AWS_SECRET_ACCESS_KEY: expect.any(String),
        AWS_REGION: 'eu-west-2',
      });
      expect(env).not.toHaveProperty('AWS_PROFILE');
      expect(env).not.toHaveProperty('HOME');
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });
});

describe('measureBundles', () => {
  it('bundles, imports in a fresh node and times a function next to the baseline', async () => {
    // Act
    const measured = await measureBundles({ importRuns: 1, functions: FUNCTION_ENTRIES.filter((fn) => fn.id === 'metaApi') });

    // Assess
    expect(measured.nodeBaselineMs).toBeGreaterThan(0);
    expect(measured.nodeVersion).toMatch(/^v\d+\./);
    const [meta] = measured.functions;
    expect(meta).toMatchObject({ id: 'metaApi', kind: 'api', bytes: expect.any(Number), importMs: expect.any(Number) });
    expect(meta!.overheadMs).toBeCloseTo(meta!.importMs - measured.nodeBaselineMs, 6);
    expect(meta!.packages.map((p) => p.name)).toContain('jointly');
    // The OpenAPI document is built on first use: its chunk is not part of the cold start.
    expect(meta!.lazyChunks.map((chunk) => chunk.file)).toContainEqual(expect.stringMatching(/^chunks\/openapi-.*\.mjs$/));
    expect(meta!.lazyBytes).toBe(meta!.lazyChunks.reduce((sum, chunk) => sum + chunk.bytes, 0));
  });

  it('fails loudly when a bundle throws at import', async () => {
    // Act
    const measuring = measureBundles({
      importRuns: 1,
      functions: [{ id: 'throwing', kind: 'api', entry: 'test/unit/scripts/fixtures/throwing-handler.ts' }],
    });

    // Assess
    await expect(measuring).rejects.toThrow(/Importing throwing .*failed[\s\S]*fixture: module initialisation failed/);
  });
});
