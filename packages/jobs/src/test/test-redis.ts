import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { freePort } from '@llama-stack-ts/provider-utils';
import { deleteKeys } from '../delete-keys.js';

/** The Redis the tests use: `REDIS_URL`, else the one every development and CI machine runs. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A key prefix of its own for one test, so tests running in parallel never see each other's jobs;
 * disposing it deletes every key under it.
 */
export interface TestPrefix extends AsyncDisposable {
  readonly prefix: string;
}

export function createTestPrefix(redisUrl = testRedisUrl): TestPrefix {
  const prefix = `llama-stack-ts-test:${randomUUID().slice(0, 12)}`;
  return {
    prefix,
    async [Symbol.asyncDispose]() {
      await deleteKeys(redisUrl, prefix);
    },
  };
}

/**
 * A private `redis-server` on a free port, without persistence, that a test stops and starts
 * again to see the engine through an outage. Needs `redis-server` on the PATH.
 */
export class TestRedisServer implements AsyncDisposable {
  readonly port: number;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.#process) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (error) =>
        reject(new Error(`redis-server could not start (${error.message}); install Redis to run this test.`)),
      );
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)),
      );
    });
  }

  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
