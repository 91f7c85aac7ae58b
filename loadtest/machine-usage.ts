// What the processes and the machine did during a phase, read from /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;
/** The kernel's clock ticks a second, which /proc counts CPU time in (asked once). */
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** A process's resident memory and CPU time (user + system) so far. */
export function processUsage(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // The command may hold spaces and parentheses: the fields start after the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / ticksPerSecond() };
}

/** Busy and total CPU ticks of the whole machine (/proc/stat): did other work share the cores? */
export function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Kernel TCP counters (the whole machine): SYNs dropped because an accept queue was full, and retried. */
export function tcpCounters(): { listenOverflows: number; synRetransmits: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/).map(Number);
  const get = (name: string) => values[names.indexOf(name)] ?? 0;
  return { listenOverflows: get('ListenOverflows'), synRetransmits: get('TCPSynRetrans') };
}
