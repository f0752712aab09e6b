/**
 * CPU time of other processes, read from /proc (Linux): the bench's load-independent figure. On a shared
 * machine the wall-clock rate depends on what else runs; the CPU milliseconds a process spent per 1,000
 * events do much less. Returns `NaN` where /proc is missing (macOS): the figures then say so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type pg from 'pg';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU milliseconds `pid` has used so far (`NaN` if it cannot be read). */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU milliseconds used so far by each PostgreSQL backend whose `application_name` is `name` (the
 * server is on this machine), by backend pid.
 */
export async function backendCpuMs(client: pg.Client, name: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [name],
  );
  return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
}

/** CPU milliseconds the backends used between two {@link backendCpuMs} samples (new backends count whole). */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The 1-minute load average, rounded (print it with every figure: the machine may be shared). */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
