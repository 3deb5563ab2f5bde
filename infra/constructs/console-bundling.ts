/**
 * How CDK stages the console: `buildConsole` (infra/console/build-console.ts) into the asset's
 * output folder at synth, the same build the local runtime serves. It runs in a child process
 * because staging asks for a synchronous bundler and the build is asynchronous.
 *
 * Like every function's bundling, it is skipped for stacks outside `aws:cdk:bundling-stacks`
 * (the infra tests pass `[]`): CDK then stages the source folder without running it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { buildConsole } from '../console/build-console.ts';

/** This module, run as a command line by the local bundling and by the Docker fallback. */
const SELF = fileURLToPath(import.meta.url);

/** CDK's local bundling of the console: `node infra/constructs/console-bundling.ts <outputDir>`. */
export class ConsoleBundling implements ILocalBundling {
  tryBundle(outputDir: string): boolean {
    const result = spawnSync(process.execPath, [SELF, outputDir], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`The console build failed (exit ${result.status ?? result.signal}).`);
    return true;
  }
}

/**
 * The console asset's bundling. Local bundling succeeds or throws, so the Docker fallback never
 * runs; it is still a working one (a Node image, this module in the project's copy), because
 * CDK requires an image.
 */
export const consoleBundlingOptions = (image: BundlingOptions['image']): BundlingOptions => ({
  image,
  local: new ConsoleBundling(),
  command: ['node', 'infra/constructs/console-bundling.ts', '/asset-output'],
  workingDirectory: '/asset-input',
});

// `node infra/constructs/console-bundling.ts <outdir>`: the deployed build, without a config.json
// (the console stack writes the stage's beside it).
if (import.meta.main) {
  const [outdir] = process.argv.slice(2);
  if (!outdir) throw new Error('usage: node infra/constructs/console-bundling.ts <outdir>');
  await buildConsole(path.resolve(outdir));
}
