import { execFileSync } from 'node:child_process';

/**
 * Which cores the benchmark's processes run on. `separate`: the hop and the byte relay on the last
 * core, as on a machine of their own in a remote deployment; the client on the core before it and
 * the upstream on the rest, or on two cores the upstream and the client together on the first (the
 * same cores for every side, so the client's work weighs on every side alike). `shared`: every
 * process on every core, so on a small machine a hop's work takes cycles from the upstream's
 * decoding.
 */
export type Placement = 'separate' | 'shared';

export interface CpuPlacement {
  /** `separate` first where this machine can pin processes; always `shared`. */
  placements: Placement[];
  /** Why there is no `separate` here, when there is none. */
  unavailable?: string;
  describe(placement: Placement): string;
  /** Moves every thread of the processes onto the placement's cores (`taskset -a -p`). */
  apply(placement: Placement): void;
}

/** The placements of the relaying processes, the upstream and the client on this machine. */
export function cpuPlacement(pids: {
  relays: readonly number[];
  upstream: number;
  client: number;
}): CpuPlacement {
  const cores = allowedCores();
  const sharedOnly = (unavailable: string): CpuPlacement => ({
    placements: ['shared'],
    unavailable,
    describe: () => 'every process on every core',
    apply: () => {},
  });
  if (!cores) return sharedOnly('`taskset` (util-linux) is not available');
  const shared = cores.join(',');
  if (cores.length < 2) return sharedOnly(`this process may run on one core only (${shared})`);
  const relayCores = cores.slice(-1).join(',');
  const clientCores = cores.at(cores.length > 2 ? -2 : 0)?.toString() ?? '';
  const upstreamCores = cores.slice(0, Math.max(1, cores.length - 2)).join(',');
  const pin = (pid: number, list: string) =>
    execFileSync('taskset', ['-a', '-pc', list, String(pid)], { stdio: 'ignore' });
  return {
    placements: ['separate', 'shared'],
    describe: (placement) =>
      placement === 'separate'
        ? `hop and relay on cpu ${relayCores}, client on cpu ${clientCores}, upstream on cpu ${upstreamCores}`
        : `every process on cpu ${shared}`,
    apply(placement) {
      const separate = placement === 'separate';
      for (const pid of pids.relays) pin(pid, separate ? relayCores : shared);
      pin(pids.client, separate ? clientCores : shared);
      pin(pids.upstream, separate ? upstreamCores : shared);
    },
  };
}

/** The cores this process may run on (`taskset -pc`: `pid 7's current affinity list: 0-3,6`). */
function allowedCores(): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  let answer: string;
  try {
    answer = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const list = answer.split(':').at(-1)?.trim() ?? '';
  return list.split(',').flatMap((range) => {
    const [first, last = first] = range.split('-').map(Number) as [number, number?];
    return Array.from({ length: last - first + 1 }, (_, index) => first + index);
  });
}
