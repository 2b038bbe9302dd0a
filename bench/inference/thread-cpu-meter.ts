import { readdirSync, readFileSync } from 'node:fs';

/** CPU time a process has used, in nanoseconds: its main thread (the event loop) and its other threads. */
interface ProcessCpu {
  main: number;
  other: number;
}

/** Where CPU time went while one side ran, in µs per generated token. */
export interface CpuPerToken {
  /** This process's main thread: raw node-llama-cpp's JavaScript, or the HTTP client's. */
  benchMain: number;
  /** This process's other threads: llama.cpp decoding (libuv's pool), V8's helpers. */
  benchOther: number;
  /** The stack's main thread: the server, the provider, node-llama-cpp's JavaScript. */
  stackMain: number;
  /** The stack's other threads. */
  stackOther: number;
}

/** Linux's per-thread run time (`/proc/<pid>/task/<tid>/schedstat`, first field); undefined elsewhere. */
function readProcessCpu(pid: number): ProcessCpu | undefined {
  try {
    const cpu = { main: 0, other: 0 };
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number(tid) === pid) cpu.main += ns;
      else cpu.other += ns;
    }
    return cpu;
  } catch {
    return undefined;
  }
}

/**
 * Adds up the CPU time this process and the stack's process spend while runs of each side go on,
 * and the tokens those runs generate. CPU time is what a loaded machine runs short of: where it is
 * saturated, tokens/s follow CPU per token far more than any wait does.
 */
export class ThreadCpuMeter<Side extends string> {
  readonly #stackPid: number;
  readonly #totals = new Map<Side, { tokens: number } & CpuPerToken>();

  constructor(stackPid: number) {
    this.#stackPid = stackPid;
  }

  /** Whether this system reports thread CPU times. */
  get available(): boolean {
    return readProcessCpu(process.pid) !== undefined;
  }

  async measure<Run extends { tokens: number }>(side: Side, run: () => Promise<Run>): Promise<Run> {
    const bench = readProcessCpu(process.pid);
    const stack = readProcessCpu(this.#stackPid);
    const result = await run();
    const benchAfter = readProcessCpu(process.pid);
    const stackAfter = readProcessCpu(this.#stackPid);
    if (!bench || !stack || !benchAfter || !stackAfter) return result;
    const totals = this.#totals.get(side) ?? {
      tokens: 0,
      benchMain: 0,
      benchOther: 0,
      stackMain: 0,
      stackOther: 0,
    };
    totals.tokens += result.tokens;
    totals.benchMain += benchAfter.main - bench.main;
    totals.benchOther += benchAfter.other - bench.other;
    totals.stackMain += stackAfter.main - stack.main;
    totals.stackOther += stackAfter.other - stack.other;
    this.#totals.set(side, totals);
    return result;
  }

  /** CPU per token of the runs of `side` so far, in µs; undefined when nothing was measured. */
  perToken(side: Side): CpuPerToken | undefined {
    const totals = this.#totals.get(side);
    if (!totals || totals.tokens === 0) return undefined;
    const us = (ns: number) => ns / totals.tokens / 1000;
    return {
      benchMain: us(totals.benchMain),
      benchOther: us(totals.benchOther),
      stackMain: us(totals.stackMain),
      stackOther: us(totals.stackOther),
    };
  }
}
