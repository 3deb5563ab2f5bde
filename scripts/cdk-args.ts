/**
 * Turns `npm run deploy -- --stage prod` style arguments into the `cdk` CLI's: pure, so
 * the mapping is unit-tested (test/infra/cdk-args.test.ts); `scripts/cdk.ts` runs it.
 *
 * - `--stage X` / `--stage=X` becomes `-c stage=X` (`-c stage=X` itself still works).
 * - `deploy`, `diff` and `destroy` act on every stack of the stage (`--all`) unless a
 *   `Jointly-…` stack is named or `--all` is already there.
 * - `synth` is `--quiet` unless a stack is named (then its template is printed).
 * - `deploy` and `destroy` need an explicit stage: nothing is deployed to or destroyed
 *   in `dev` just because the stage was forgotten.
 */

/** A mistake in the wrapper's arguments: the message is one sentence. */
export class CdkArgsError extends Error {
  override name = 'CdkArgsError';
}

const STACK_COMMANDS = new Set(['deploy', 'diff', 'destroy']);
const NEEDS_STAGE = new Set(['deploy', 'destroy']);

/** The stage a `-c`/`--context` value sets, if it is `stage=...`. */
const stageOfContext = (value: string | undefined): string | undefined =>
  value?.startsWith('stage=') ? value.slice('stage='.length) : undefined;

/** The `cdk` CLI arguments for the wrapper's `argv` (without `node` and the script). */
export const cdkArgs = (argv: readonly string[]): string[] => {
  const [command, ...rest] = argv;
  if (!command || command.startsWith('-')) {
    throw new CdkArgsError('Usage: node scripts/cdk.ts <synth|diff|deploy|destroy|…> [--stage dev|staging|prod] [cdk options].');
  }

  const passThrough: string[] = [];
  let stage: string | undefined;
  const contextStages: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (arg === '--stage' || arg.startsWith('--stage=')) {
      const value = arg === '--stage' ? rest[++i] : arg.slice('--stage='.length);
      if (!value || value.startsWith('-')) throw new CdkArgsError('--stage needs a value, e.g. --stage dev.');
      if (stage !== undefined && stage !== value) throw new CdkArgsError(`--stage was given twice (${stage} and ${value}).`);
      stage = value;
      continue;
    }
    passThrough.push(arg);
    const contextValue =
      arg === '-c' || arg === '--context' ? rest[i + 1] : arg.startsWith('--context=') ? arg.slice('--context='.length) : undefined;
    const fromContext = stageOfContext(contextValue);
    if (fromContext !== undefined) contextStages.push(fromContext);
  }

  const stages = new Set([...(stage === undefined ? [] : [stage]), ...contextStages]);
  if (stages.size > 1) throw new CdkArgsError(`Conflicting stages: ${[...stages].join(' and ')}; give one --stage.`);
  if (NEEDS_STAGE.has(command) && stages.size === 0) {
    throw new CdkArgsError(`Say which stage to ${command}: --stage dev, --stage staging or --stage prod.`);
  }

  const namesStack = passThrough.some((arg) => arg.startsWith('Jointly-'));
  const extra: string[] = [];
  if (STACK_COMMANDS.has(command) && !namesStack && !passThrough.includes('--all')) extra.push('--all');
  if (command === 'synth' && !namesStack && !passThrough.includes('--quiet') && !passThrough.includes('-q')) extra.push('--quiet');
  return [command, ...extra, ...passThrough, ...(stage === undefined ? [] : ['-c', `stage=${stage}`])];
};
