/**
 * CPU time of processes, to explain a throughput figure: on a small shared machine the
 * server, DynamoDB Local's JVM and the load generator compete for the same cores, so what
 * each spends per request says where a gap comes from. Linux only (`/proc`); elsewhere the
 * figures are simply absent.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU ms from the text of `/proc/<pid>/stat` (fields 14 and 15, after the `(comm)`). */
export const cpuMsFromStat = (stat: string): number => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
};

/** CPU ms a process has used so far, or `undefined` when it cannot be read. */
export const processCpuMs = (pid: number): number | undefined => {
  try {
    return cpuMsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
};

/** The pid of a process whose command line contains every one of `parts`, if any. */
export const findProcess = (parts: readonly string[]): number | undefined => {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((part) => commandLine.includes(part))) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
};
