/**
 * What a deployed bundle holds (its entry and every chunk, lazy ones included), built with
 * exactly the esbuild options CDK uses (infra/bundling/function-bundle.ts): only AWS adapters and the code of its own function. No
 * module of the local runtime (infra/local: the in-process bus and queues, the `.eml`
 * mailer, the AES sealer, the fault injectors), of the tests or of the scripts is bundled,
 * and no trace of them — their settings and markers — is left in the code. Each function
 * carries only the AWS SDK clients of the adapters its composition root names, and loads
 * at its cold start only those it needs on every invocation: the clients only some
 * requests need (KMS, SES, SQS outside the fan-out) are in chunks loaded by `import()`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLayoutOf, esbuildOptionsFor } from '#infra/bundling/function-bundle.ts';
import { FUNCTION_ENTRIES } from '#infra/function-entries.ts';

/** Strings only local-runtime or test code carries: settings it reads, markers it writes. */
const LOCAL_ONLY_STRINGS = [
  'JOINTLY_FAULT_RATE',
  'JOINTLY_SDK_FAULT_RATE',
  'JOINTLY_LOCAL_SEAL_KEY',
  'JOINTLY_LOCAL_MAIL_DIR',
  'injected fault',
  'injected by JOINTLY_SDK_FAULT_RATE',
  'jointly.local-event-adapters',
  'alerts@jointly.localhost',
];

/** Where no bundled module may come from. */
const LOCAL_ONLY_FOLDERS = ['infra/local/', 'test/', 'scripts/'];

const SDK_CLIENTS = ['@aws-sdk/client-eventbridge', '@aws-sdk/client-sqs', '@aws-sdk/client-sesv2', '@aws-sdk/client-kms'] as const;

let outdir: string;
/**
 * Per function id: the input files (repository-relative) of all its output files, those its
 * cold start loads, and the code of all its files.
 */
const bundles = new Map<string, { readonly inputs: readonly string[]; readonly coldInputs: readonly string[]; readonly code: string }>();

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'jointly-production-bundles-'));
  await Promise.all(
    FUNCTION_ENTRIES.map(async (fn) => {
      const dir = path.join(outdir, fn.id);
      const result = await esbuild.build({ ...esbuildOptionsFor(fn.entry, dir), sourcemap: false });
      const layout = bundleLayoutOf(result.metafile, dir);
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.mjs'));
      expect(files, `no bundle for ${fn.id}`).toContain('index.mjs');
      bundles.set(fn.id, {
        inputs: [...layout.cold, ...layout.lazy].flatMap((file) => Object.keys(file.inputs)),
        coldInputs: layout.cold.flatMap((file) => Object.keys(file.inputs)),
        code: files.map((file) => readFileSync(path.join(dir, file), 'utf8')).join('\n'),
      });
    }),
  );
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The SDK clients in any file of `id`'s bundle (`inputs`) or in what its cold start loads (`coldInputs`). */
const sdkClientsOf = (id: string, where: 'inputs' | 'coldInputs' = 'inputs'): string[] =>
  SDK_CLIENTS.filter((client) => bundles.get(id)![where].some((input) => input.includes(`node_modules/${client}/`)));

describe('every deployed bundle', () => {
  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))('%s bundles no module of the local runtime, the tests or the scripts', (id) => {
    // Act
    const { inputs } = bundles.get(id)!;

    // Assess
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => LOCAL_ONLY_FOLDERS.some((folder) => input.startsWith(folder)))).toEqual([]);
  });

  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))(
    '%s bundles neither mnemonist nor obliterator: the endpoint cache gets the Map-based LRU',
    (id) => {
      // Act
      const { inputs } = bundles.get(id)!;

      // Assess
      expect(inputs.filter((input) => /node_modules\/(mnemonist|obliterator)\//.test(input))).toEqual([]);
    },
  );

  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))('%s carries no local setting or fault marker', (id) => {
    // Act
    const { code } = bundles.get(id)!;

    // Assess
    expect(LOCAL_ONLY_STRINGS.filter((text) => code.includes(text))).toEqual([]);
  });
});

describe('the event-path bundles', () => {
  it('the delivery worker holds the SES mailer and the KMS sealer (and SQS for retries), nothing local', () => {
    // Act
    const { inputs } = bundles.get('deliver')!;

    // Assess
    expect(inputs).toEqual(
      expect.arrayContaining([
        'shared/subscriptions/data/mailers.ts',
        'shared/subscriptions/data/sealers.ts',
        'shared/subscriptions/api/deliver-handler.ts',
      ]),
    );
  });

  it.each([
    ['publisher', ['@aws-sdk/client-eventbridge']],
    ['fanOut', ['@aws-sdk/client-sqs']],
    ['deliver', ['@aws-sdk/client-sqs', '@aws-sdk/client-sesv2', '@aws-sdk/client-kms']],
    ['metrics', []],
    ['slaSweep', []],
    ['subscriptionsApi', ['@aws-sdk/client-sqs', '@aws-sdk/client-kms']],
    ['referralsApi', []],
    ['metricsApi', []],
    ['referenceApi', []],
    ['metaApi', []],
  ])('%s carries only the SDK clients of its own adapters: %j', (id, expected) => {
    // Act
    const clients = sdkClientsOf(id);

    // Assess
    expect(clients).toEqual(expected);
  });
});

describe('SDK clients only some requests need', () => {
  it.each([
    ['deliver', ['@aws-sdk/client-sqs', '@aws-sdk/client-sesv2', '@aws-sdk/client-kms']],
    ['subscriptionsApi', ['@aws-sdk/client-sqs', '@aws-sdk/client-kms']],
  ])('%s holds %j in chunks its cold start does not load', (id, onDemand) => {
    // Act
    const all = sdkClientsOf(id);
    const cold = sdkClientsOf(id, 'coldInputs');

    // Assess
    expect(all).toEqual(expect.arrayContaining(onDemand));
    expect(cold.filter((client) => onDemand.includes(client))).toEqual([]);
  });

  it.each([
    ['deliver', ['shared/platform/aws/aws-job-queue.ts', 'shared/subscriptions/data/mailers.ts', 'shared/subscriptions/data/sealers.ts']],
    ['subscriptionsApi', ['shared/platform/aws/aws-job-queue.ts', 'shared/subscriptions/data/sealers.ts']],
  ])('%s loads their adapters on demand too: %j', (id, adapters) => {
    // Act
    const { inputs, coldInputs } = bundles.get(id)!;

    // Assess
    expect(inputs).toEqual(expect.arrayContaining(adapters));
    expect(coldInputs.filter((input) => adapters.includes(input))).toEqual([]);
  });

  it('the fan-out, which queues on nearly every invocation, and the publisher, which publishes on every one, load theirs at once', () => {
    // Act
    const fanOut = sdkClientsOf('fanOut', 'coldInputs');
    const publisher = sdkClientsOf('publisher', 'coldInputs');

    // Assess
    expect(fanOut).toEqual(['@aws-sdk/client-sqs']);
    expect(publisher).toEqual(['@aws-sdk/client-eventbridge']);
  });
});
