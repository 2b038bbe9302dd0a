import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@llama-stack-ts/provider-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postJson } from '../support/http.js';
import { repoRoot } from '../support/repo-paths.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Finding 4 of the hostile-input probe: Ctrl-C under the README's own launch,
// `pnpm exec llama-stack-ts run local`, dropped in-flight requests. Ctrl-C signals the terminal's
// whole process group, and pnpm forwards the signal to the server once more: the server took the
// second SIGINT as "exit without waiting", exited 130 and never disposed its providers. Here the
// command runs through pnpm in a process group of its own, and SIGINT goes to the whole group.

/** `local`'s default LLAMA_STACK_TS_MODEL_ID, here serving stories260K. */
const localModelId = 'llama3.2-1b-instruct';

describeWithModels('Ctrl-C under `pnpm exec llama-stack-ts run local`', [testModels.stories], () => {
  let home: string;
  let pnpm: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-hostile-ctrl-c-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    pnpm = spawn(
      'pnpm',
      [
        'exec',
        'llama-stack-ts',
        'run',
        'local',
        '--port',
        String(port),
        '--env',
        `LLAMA_STACK_TS_MODEL=${testModels.stories}`,
        '--env',
        `LLAMA_STACK_TS_EMBEDDING_MODEL=${testModels.bertEmbedder}`,
      ],
      {
        cwd: repoRoot,
        // A process group of its own, as a terminal gives a command: the test signals all of it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A drain longer than any stream here, however busy the machine.
        env: { ...process.env, LLAMA_STACK_TS_HOME: home, LLAMA_STACK_TS_SHUTDOWN_TIMEOUT_MS: '120000' },
      },
    );
    for (const stream of [pnpm.stdout, pnpm.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => {
        output += text;
      });
    }
    await waitFor(
      `/health of ${url} answering 200`,
      async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200,
      90_000,
    );
  });

  afterAll(async () => {
    if (pnpm?.pid !== undefined) {
      try {
        process.kill(-pnpm.pid, 'SIGKILL');
      } catch {
        // The group has exited, as it should have.
      }
    }
    await rm(home, { recursive: true, force: true });
  });

  it('lets a streaming request in flight finish, disposes the providers, and stops without the exit-at-once path', async () => {
    const stream = await postJson(`${url}/inference/completion`, {
      model: localModelId,
      content: 'Once upon a time',
      stream: true,
      max_tokens: 400,
      sampling_params: { strategy: 'greedy' },
    });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let events = decoder.decode((await reader.read()).value);
    // The server's own pid, from its access log (pnpm's child): it is not this process's child.
    const serverPid = Number(/"pid":(\d+)/.exec(output)?.[1]);
    expect(serverPid).toBeGreaterThan(0);

    // Ctrl-C: SIGINT to every process of the group, pnpm and the server alike.
    process.kill(-(pnpm.pid as number), 'SIGINT');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      events += decoder.decode(value, { stream: true });
    }
    const last = JSON.parse(
      events
        .trim()
        .split('\n\n')
        .at(-1)
        ?.replace(/^data: /, '') ?? '{}',
    );
    expect(last).toMatchObject({ stop_reason: 'max_tokens', usage: { completion_tokens: 400 } });

    // Linux: the process is gone once /proc no longer lists it.
    await waitFor('the server process ending', async () => !existsSync(`/proc/${serverPid}`), 120_000);
    // pnpm does not wait for the server, so its pipes may still hold the last lines.
    await waitFor('its last line', async () => output.includes('llama-stack-ts: stopped.'), 10_000);
    expect(output).toContain('SIGINT received');
    expect(output).toContain(`unloaded model '${localModelId}' (provider disposed)`);
    // `stopped.` is the last line before the server exits: 0, or 1 after `shutdown failed`.
    expect(output).not.toContain('shutdown failed');
    expect(output).not.toContain('exiting without waiting');
  });
});

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
