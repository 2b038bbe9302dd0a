import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '@llama-stack-ts/provider-utils';
import { describe, expect, it } from 'vitest';

const guardian = fileURLToPath(new URL('../bin/trainer-guardian.mjs', import.meta.url));
const worker = fileURLToPath(new URL('./fixtures/guarded-trainer-worker.mjs', import.meta.url));

/** Runs `script` with node under the guardian, as the provider does, and resolves with how it ended. */
async function guarded(script: string, executable = process.execPath) {
  const child = spawn(process.execPath, [guardian, '200', executable, '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: true,
  });
  const messages: unknown[] = [];
  child.on('message', (message) => messages.push(message));
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, messages, stderr };
}

describe('bin/trainer-guardian.mjs', () => {
  it("ends the command's process group when the worker that started it is killed with SIGKILL", async () => {
    const stand = spawn(process.execPath, [worker, '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: stand.stdout }), 'line')) as [string];
    const command = Number(line);
    expect(isProcessAlive(command)).toBe(true);
    stand.kill('SIGKILL');
    // SIGTERM is ignored by the command: SIGKILL follows after the 200 ms grace.
    await expect.poll(() => isProcessAlive(command), { timeout: 30_000, interval: 20 }).toBe(false);
  });

  it('exits as the command did: its code, its signal', async () => {
    await expect(guarded('process.exit(3)')).resolves.toMatchObject({ code: 3, signal: null });
    await expect(guarded("process.kill(process.pid, 'SIGTERM')")).resolves.toMatchObject({
      code: null,
      signal: 'SIGTERM',
    });
  });

  it('tells the worker over IPC when the command cannot be started', async () => {
    const ended = await guarded('', '/nonexistent/trainer');
    expect(ended.code).toBe(127);
    expect(ended.messages).toEqual([{ type: 'spawn-error', message: expect.stringContaining('ENOENT') }]);
  });
});
