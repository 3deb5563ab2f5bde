import { describe, expect, it } from 'vitest';
import { cpuMsFromStat, findProcess, processCpuMs } from '#scripts/bench/cpu.ts';

describe('cpuMsFromStat', () => {
  it('adds utime and stime (fields 14 and 15, in 1/100 s) as ms', () => {
    // Prepare: pid, comm, state, then fields 4…; utime = 250 ticks, stime = 30 ticks.
    const stat = '4440 (java) S 4406 4406 28057 0 -1 4194560 1000 0 0 0 250 30 0 0 20 0 60 0 1201139 3133440 394';

    // Act
    const ms = cpuMsFromStat(stat);

    // Assess
    expect(ms).toBe(2800);
  });

  it('is not fooled by spaces and parentheses in the command name', () => {
    // Prepare
    const stat = '77 (my (odd) name) R 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 6 7';

    // Act
    const ms = cpuMsFromStat(stat);

    // Assess
    expect(ms).toBe(100);
  });
});

describe.runIf(process.platform === 'linux')('on Linux', () => {
  it('reads this process’s CPU time and finds it by its command line', () => {
    // Prepare
    const burnUntil = Date.now() + 30;
    while (Date.now() < burnUntil) Math.sqrt(Math.random());

    // Act
    const ms = processCpuMs(process.pid);
    const found = findProcess([process.argv[1] ?? 'node']);

    // Assess
    expect(ms).toBeGreaterThan(0);
    expect(found).toBeTypeOf('number');
  });

  it('gives undefined for a process that does not exist', () => {
    // Act
    const ms = processCpuMs(2 ** 30);
    const found = findProcess(['no process has this in its command line: 6f1d0c']);

    // Assess
    expect(ms).toBeUndefined();
    expect(found).toBeUndefined();
  });
});
