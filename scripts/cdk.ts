/**
 * `npm run synth|diff|deploy -- --stage X [cdk options]`: runs the project's own `cdk` CLI
 * (node_modules/aws-cdk) on this Node (24), with `--stage X` mapped to `-c stage=X` and
 * `--all` added where it belongs (see scripts/cdk-args.ts).
 *
 *   node scripts/cdk.ts deploy --stage prod
 *   node scripts/cdk.ts diff --stage staging
 *   node scripts/cdk.ts synth -c stage=prod
 *   node scripts/cdk.ts destroy --stage dev
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CdkArgsError, cdkArgs } from './cdk-args.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const cdkCli = path.join(repoRoot, 'node_modules', 'aws-cdk', 'bin', 'cdk');

let args: string[];
try {
  args = cdkArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CdkArgsError)) throw error;
  console.error(error.message);
  process.exit(2);
}

console.error(`> cdk ${args.join(' ')}`);
// The app (`node infra/app.ts` in cdk.json) must run on this Node too: put it first on PATH.
const child = spawn(process.execPath, [cdkCli, ...args], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}` },
});
// Ctrl-C reaches the CLI through the terminal's process group; SIGTERM is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
