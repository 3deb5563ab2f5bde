/**
 * What a deployed bundle holds (its entry and every chunk, lazy ones included), built with
 * exactly the esbuild options CDK uses (infra/bundling/function-bundle.ts): only AWS adapters and the code of its own function. No
 * module of the local runtime (infra/local: the in-process bus and queues, the `.eml`
 * mailer, the AES sealer, the fault injectors), of the tests or of the scripts is bundled,
 * and no trace of them — their settings and markers — is left in the code. No function
 * carries a generated AWS SDK client: every AWS call goes through the small JSON-protocol
 * client (decision record 49). Each loads at its cold start only the adapters it needs on
 * every invocation: those only some requests need (KMS, SES, SQS outside the fan-out) are
 * in chunks loaded by `import()`.
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

/** The SDK's generated clients and their runtime, none of which a bundle may hold. */
const SDK_CLIENT_RUNTIME =
  /node_modules\/(@aws-sdk\/(client-[^/]+|lib-dynamodb|dynamodb-codec|middleware-[^/]+)|@smithy\/core\/dist-es\/submodules\/(protocols\/json|client\/middleware-stack|client\/smithy-client\/command))\//;

/** What an adapter module brings: the files it is made of. */
const ADAPTERS = {
  eventBus: 'shared/platform/aws/aws-event-bus.ts',
  jobQueue: 'shared/platform/aws/aws-job-queue.ts',
  mailer: 'shared/subscriptions/data/mailers.ts',
  sealer: 'shared/subscriptions/data/sealers.ts',
} as const;

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

describe('every deployed bundle', () => {
  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))('%s bundles no module of the local runtime, the tests or the scripts', (id) => {
    // Act
    const { inputs } = bundles.get(id)!;

    // Assess
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => LOCAL_ONLY_FOLDERS.some((folder) => input.startsWith(folder)))).toEqual([]);
  });

  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))('%s holds no generated SDK client nor its Smithy runtime, even lazily', (id) => {
    // Act
    const { inputs } = bundles.get(id)!;

    // Assess
    expect(inputs.filter((input) => SDK_CLIENT_RUNTIME.test(input))).toEqual([]);
    // The meta and reference functions call no AWS service at all.
    expect(inputs.includes('shared/platform/aws/aws-json-client.ts')).toBe(!['metaApi', 'referenceApi'].includes(id));
  });

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
    ['publisher', [ADAPTERS.eventBus]],
    ['fanOut', [ADAPTERS.jobQueue]],
    ['deliver', [ADAPTERS.jobQueue, ADAPTERS.mailer, ADAPTERS.sealer]],
    ['metrics', []],
    ['slaSweep', [ADAPTERS.jobQueue]],
    ['subscriptionsApi', [ADAPTERS.jobQueue, ADAPTERS.sealer]],
    ['referralsApi', []],
    ['metricsApi', []],
    ['referenceApi', []],
    ['metaApi', []],
  ])('%s carries only its own AWS adapters: %j', (id, expected) => {
    // Act
    const { inputs } = bundles.get(id)!;

    // Assess
    expect(Object.values(ADAPTERS).filter((adapter) => inputs.includes(adapter))).toEqual(expected);
  });
});

describe('adapters only some requests need', () => {
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
    const fanOut = bundles.get('fanOut')!.coldInputs;
    const publisher = bundles.get('publisher')!.coldInputs;

    // Assess
    expect(fanOut).toContain(ADAPTERS.jobQueue);
    expect(publisher).toContain(ADAPTERS.eventBus);
  });

  it.each(FUNCTION_ENTRIES.map((fn) => [fn.id]))(
    '%s loads the container credentials provider (and the SDK HTTP handler it needs) only on demand',
    (id) => {
      // Act
      const { inputs, coldInputs } = bundles.get(id)!;

      // Assess
      expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/credential-provider-http/'))).toBe(
        !['metaApi', 'referenceApi'].includes(id),
      );
      expect(
        coldInputs.filter((input) => /node_modules\/(@aws-sdk\/credential-provider-http|@smithy\/node-http-handler)\//.test(input)),
      ).toEqual([]);
    },
  );
});
