import { describe, expect, it } from 'vitest';
import { BenchArgumentError, DEFAULT_SETTINGS, parseBenchArgs, QUICK_SETTINGS, SECTIONS, type BenchSettings } from '#scripts/bench/args.ts';

const settingsOf = (argv: string[], env: Record<string, string> = {}): BenchSettings => {
  const parsed = parseBenchArgs(argv, env);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
};

describe('parseBenchArgs', () => {
  it('defaults to the issue’s figures: concurrency 32 for 20 s, hundreds of iterations, ≥ 50 alerts, every section', () => {
    // Act
    const settings = settingsOf([]);

    // Assess
    expect(settings).toMatchObject({ ...DEFAULT_SETTINGS, quick: false, importRuns: undefined });
    expect(settings.connections).toBe(32);
    expect(settings.durationS).toBe(20);
    expect(settings.iterations).toBeGreaterThanOrEqual(300);
    expect(settings.eventSamples).toBeGreaterThanOrEqual(50);
    expect([...settings.sections]).toEqual([...SECTIONS]);
  });

  it('--quick shortens every figure', () => {
    // Act
    const settings = settingsOf(['--quick']);

    // Assess
    expect(settings).toMatchObject({ ...QUICK_SETTINGS, quick: true });
    expect(settings.durationS).toBeLessThan(DEFAULT_SETTINGS.durationS);
  });

  it('flags override --quick and the environment; the environment overrides the defaults', () => {
    // Prepare
    const env = { BENCH_QUICK: '1', BENCH_ITERATIONS: '77', BENCH_DURATION_S: '9' };

    // Act
    const settings = settingsOf(['--duration', '5', '--connections', '8', '--event-samples', '12', '--import-runs', '3'], env);

    // Assess
    expect(settings).toMatchObject({
      quick: true,
      iterations: 77,
      durationS: 5,
      connections: 8,
      eventSamples: 12,
      importRuns: 3,
      warmup: QUICK_SETTINGS.warmup,
    });
  });

  it('--only picks sections (trimmed), and BENCH_ONLY does when no flag is given', () => {
    // Act
    const fromFlag = settingsOf(['--only', 'operations, throughput'], { BENCH_ONLY: 'bundles' });
    const fromEnv = settingsOf([], { BENCH_ONLY: 'bundles' });

    // Assess
    expect([...fromFlag.sections]).toEqual(['operations', 'throughput']);
    expect([...fromEnv.sections]).toEqual(['bundles']);
  });

  it('cold starts: 5 per function by default (1 with --quick), --cold-runs and BENCH_COLD_RUNS override, functions picked by name', () => {
    // Act
    const defaults = settingsOf([]);
    const quick = settingsOf(['--quick']);
    const fromEnv = settingsOf(['--only', 'cold'], { BENCH_COLD_RUNS: '7', BENCH_COLD_FUNCTIONS: 'getHealth' });
    const fromFlags = settingsOf(['--cold-runs', '3', '--cold-functions', ' getReferral, notFound '], { BENCH_COLD_RUNS: '7' });

    // Assess
    expect(defaults).toMatchObject({ coldRuns: 5, coldFunctions: undefined });
    expect(defaults.sections.has('cold')).toBe(true);
    expect(quick.coldRuns).toBe(1);
    expect(fromEnv).toMatchObject({ coldRuns: 7, coldFunctions: ['getHealth'] });
    expect([...fromEnv.sections]).toEqual(['cold']);
    expect(fromFlags).toMatchObject({ coldRuns: 3, coldFunctions: ['getReferral', 'notFound'] });
    expect(() => settingsOf(['--cold-runs', '0'])).toThrow(/--cold-runs must be a whole number ≥ 1/);
  });

  it('accepts a warm-up of 0 but not 0 iterations', () => {
    // Act
    const settings = settingsOf(['--warmup', '0']);
    const act = () => settingsOf(['--iterations', '0']);

    // Assess
    expect(settings.warmup).toBe(0);
    expect(act).toThrow(BenchArgumentError);
    expect(act).toThrow(/--iterations must be a whole number ≥ 1/);
  });

  it.each([
    ['a fraction', ['--duration', '2.5'], /--duration/],
    ['a word', ['--connections', 'many'], /--connections/],
    ['an unknown section', ['--only', 'operations,latency'], /--only/],
    ['an unknown flag', ['--fast'], /Unknown option|unknown/i],
  ])('rejects %s with a sentence naming the setting', (_what, argv, message) => {
    // Act
    const act = () => settingsOf(argv);

    // Assess
    expect(act).toThrow(BenchArgumentError);
    expect(act).toThrow(message);
  });

  it('rejects a bad environment value by its variable name', () => {
    // Act
    const act = () => settingsOf([], { BENCH_ITERATIONS: '-3' });

    // Assess
    expect(act).toThrow(/BENCH_ITERATIONS/);
  });

  it('--help asks for the usage text', () => {
    // Act
    const parsed = parseBenchArgs(['--help']);

    // Assess
    expect(parsed).toBe('help');
  });
});
