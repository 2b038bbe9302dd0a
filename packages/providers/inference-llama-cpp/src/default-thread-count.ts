import { availableParallelism } from 'node:os';

export interface ThreadCountInputs {
  /** Logical cores this process may run on (`os.availableParallelism()`). */
  logicalCores: number;
  /** Cores that are useful for math, as llama.cpp counts them (`llama.cpuMathCores`, physical cores). */
  mathCores: number;
}

/**
 * The default CPU thread count of a model's context: 1 on a machine with 2 or fewer cores, else
 * one less than the logical cores and never more than the math (physical) cores.
 *
 * Why: llama.cpp's threads spin-wait for each other at every step. When a thread has no core of its
 * own (the machine is shared, or the HTTP server and the event loop need one) every step waits for
 * the OS to schedule it, and generation slows by orders of magnitude. node-llama-cpp's own default
 * (`max(cpuMathCores, 4)` = 4 threads on 2 cores) measured 160-1400x slower than 1 thread on the
 * 2-core machine this project runs on; 2 threads, 19-218x slower. The figures and the command that
 * produced them are in the README ("Thread count").
 */
export function defaultThreadCount({ logicalCores, mathCores }: ThreadCountInputs): number {
  if (logicalCores <= 2) return 1;
  return Math.max(1, Math.min(logicalCores - 1, mathCores));
}

/** `threads: 'auto' | n` resolved on this machine. */
export function resolveThreadCount(setting: 'auto' | number, mathCores: number): number {
  if (setting !== 'auto') return setting;
  return defaultThreadCount({ logicalCores: availableParallelism(), mathCores });
}
