/**
 * Module substitutions applied to every Lambda bundle, as esbuild `alias` entries: a
 * bundled `import … from '<key>'` gets the module at `<value>` instead. Values are paths
 * relative to the repository root, because esbuild resolves an alias's replacement from
 * its working directory, the project root (infra/bundling/function-bundle.ts sets it, and
 * its Docker fallback runs in the project's copy, `/asset-input`).
 *
 * Each substitute is the same behaviour in less code or less start-up work, never a
 * hand-written SDK: see the module each entry names. Only bundles are affected; tests,
 * scripts and the local runtime run the real packages.
 *
 * Pure data: no CDK imports (infra/bundling/function-bundle.ts hands it to esbuild).
 */

/** Import path → replacement module (relative to the repository root). */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  // The default credential chain without the sources a Lambda never has (−130 KB).
  '@aws-sdk/credential-provider-node': './infra/bundling/lambda-credentials.ts',
  // `http` without the ESM facade that loads undici (−35 ms per cold start).
  'node:http': './infra/bundling/node-http.ts',
  http: './infra/bundling/node-http.ts',
  // `process` without the ESM facade that opens the stdio streams (−10 ms per cold start).
  'node:process': './infra/bundling/node-process.ts',
  process: './infra/bundling/node-process.ts',
};
