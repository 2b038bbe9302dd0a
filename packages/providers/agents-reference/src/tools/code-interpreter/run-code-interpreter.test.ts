import { chmod, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeInterpreterUnavailableError } from './code-interpreter-unavailable-error.js';
import { detectCodeInterpreterSandbox } from './detect-code-interpreter-sandbox.js';
import { runCodeInterpreter } from './run-code-interpreter.js';

// These tests start real sandboxes (Linux namespaces through util-linux); `.ci/run` machines and a
// Linux dev box (root, or unprivileged user namespaces allowed) have what they need.
const linux = process.platform === 'linux';

let workRoot: string;
let server: Server;
let serverUrl: string;
let requestsSeen = 0;
let ticks = 0;
let ticker: NodeJS.Timeout;

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'code-interpreter-test-'));
  await chmod(workRoot, 0o755);
  // The "server" the sandbox must not hurt: an HTTP listener on loopback plus an event-loop ticker.
  server = createServer((_request, response) => {
    requestsSeen += 1;
    response.end('alive');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  ticker = setInterval(() => {
    ticks += 1;
  }, 50);
});

afterAll(async () => {
  clearInterval(ticker);
  await new Promise((resolve) => server.close(resolve));
  await rm(workRoot, { recursive: true, force: true });
});

// Only the tests of the time limit set a short one. For the others the wall clock is not under test,
// and on a loaded machine it advances while the code waits for a CPU: it must stay far above what
// the code needs (a few hundred CPU milliseconds at most) and below the test timeout (60 s), so a
// hung run is reported by its result.
const options = () => ({ workRoot, timeLimitMs: 30_000 });

/** Every process whose cwd lies under this suite's work root, i.e. anything a sandbox left behind. */
async function leftoverProcesses(): Promise<string[]> {
  const left: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd.startsWith(workRoot)) left.push(`${pid} (${cwd})`);
  }
  return left;
}

async function expectServerHealthy(): Promise<void> {
  const before = requestsSeen;
  const response = await fetch(serverUrl);
  expect(await response.text()).toBe('alive');
  expect(requestsSeen).toBe(before + 1);
  expect(await leftoverProcesses()).toEqual([]);
  expect(await readdir(workRoot)).toEqual([]);
}

describe.runIf(linux)('runCodeInterpreter', () => {
  it('detects a real sandbox on this machine', async () => {
    const sandbox = await detectCodeInterpreterSandbox(options());
    expect(['root', 'user-namespace']).toContain(sandbox.mode);
    expect(sandbox.python ?? sandbox.node).toBeDefined();
  });

  it('refuses to run, naming what is missing, when a sandbox tool is absent', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-tools-'));
    try {
      const failure = detectCodeInterpreterSandbox(options(), [empty]);
      await expect(failure).rejects.toBeInstanceOf(CodeInterpreterUnavailableError);
      await expect(failure).rejects.toThrow(
        /needs sh, unshare, mount, setpriv, prlimit on PATH.*isolation to 'none'/,
      );
    } finally {
      await rm(empty, { recursive: true });
    }
  });

  it('refuses to run when no interpreter starts inside the sandbox', async () => {
    const missing = { ...options(), pythonPath: '/nonexistent/python3', nodePath: '/nonexistent/node' };
    await expect(runCodeInterpreter({ code: 'print(1)' }, missing)).rejects.toThrow(
      /could not start any interpreter: \/nonexistent\/python3 exited with \d+.*\/nonexistent\/node exited/,
    );
    await expect(
      runCodeInterpreter(
        { code: 'print(1)', language: 'python' },
        { ...options(), pythonPath: '/nonexistent/python3' },
      ),
    ).rejects.toThrow(/no python interpreter that starts in its sandbox.*Set pythonPath/);
  });

  it('returns stdout, stderr and the exit code', async () => {
    const result = await runCodeInterpreter(
      { code: 'import sys\nprint("hello", 6 * 7)\nprint("to stderr", file=sys.stderr)\nsys.exit(3)' },
      options(),
    );
    expect(result).toMatchObject({
      stdout: 'hello 42\n',
      stderr: 'to stderr\n',
      exit_code: 3,
      timed_out: false,
    });
    expect(result.killed_reason).toBeUndefined();
    expect(result.attachments).toEqual([]);
  });

  it('runs Node when asked', async () => {
    const result = await runCodeInterpreter(
      { code: 'console.log([1, 2, 3].map((n) => n * 2).join(","))', language: 'node' },
      options(),
    );
    expect(result).toMatchObject({ stdout: '2,4,6\n', exit_code: 0, timed_out: false });
  });

  it('returns a PNG the code wrote (without third-party libraries) as a data: URL attachment', async () => {
    const code = `
import os, struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
width, height = 4, 3
rows = b"".join(b"\\x00" + bytes([255, 0, 0]) * width for _ in range(height))
png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
os.makedirs("plots", exist_ok=True)
with open("plots/red.png", "wb") as f:
    f.write(png)
with open("notes.txt", "w") as f:
    f.write("not an image")
os.symlink("/etc/passwd", "stolen.png")
print(len(png))
`;
    const result = await runCodeInterpreter({ code }, options());
    expect(result.exit_code, result.stderr).toBe(0);
    expect(result.attachments).toHaveLength(1);
    const [attachment] = result.attachments;
    expect(attachment?.mime_type).toBe('image/png');
    expect(attachment?.url.startsWith('data:image/png;base64,')).toBe(true);
    const bytes = Buffer.from(attachment?.url.split(',')[1] ?? '', 'base64');
    expect(bytes.length).toBe(Number(result.stdout.trim()));
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  describe('containment (the server stays up throughout)', () => {
    it('kills an infinite loop at its time limit', async () => {
      const started = Date.now();
      const result = await runCodeInterpreter(
        { code: 'print("spinning", flush=True)\nwhile True:\n    pass' },
        { ...options(), timeLimitMs: 1_500 },
      );
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({
        stdout: 'spinning\n',
        timed_out: true,
        killed_reason: 'timeout',
        exit_code: 137,
      });
      // Not cut short (the limit counts from when the sandbox is built, so this holds under load).
      expect(elapsed).toBeGreaterThanOrEqual(1_500);
      await expectServerHealthy();
    });

    it('stops a memory hog at its memory limit', async () => {
      // RLIMIT_AS counts address space, not touched pages: bytes() is calloc'ed from fresh zero pages,
      // so the limit is reached in a few CPU milliseconds, where writing 256 MiB (bytearray) costs
      // about a CPU second and, on a starved CPU, ran into the wall clock first.
      const code = 'chunks = []\nwhile True:\n    chunks.append(bytes(16 * 1024 * 1024))';
      const result = await runCodeInterpreter(
        { code },
        { ...options(), memoryLimitBytes: 256 * 1024 * 1024 },
      );
      expect(result.exit_code).not.toBe(0);
      expect(result.timed_out).toBe(false);
      expect(result.killed_reason).toBe('memory_limit');
      expect(result.stderr).toContain('MemoryError');
      expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 * 1024 * 1024);
      await expectServerHealthy();
    });

    it('refuses a network call, even to a server on loopback', async () => {
      const port = new URL(serverUrl).port;
      const code = `
import socket
for host, port in (("127.0.0.1", ${port}), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=2).close()
        print("connected", host)
    except OSError as error:
        print("refused", host, error.errno)
`;
      const before = requestsSeen;
      const result = await runCodeInterpreter({ code }, options());
      expect(result.exit_code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('connected');
      expect(result.stdout).toMatch(/refused 127\.0\.0\.1 \d+\nrefused 1\.1\.1\.1 \d+\n/);
      expect(requestsSeen).toBe(before);
      await expectServerHealthy();
    });

    it('refuses a write outside its directory, even to a world-writable file', async () => {
      const outside = join(workRoot, 'outside.txt');
      await writeFile(outside, 'untouched');
      await chmod(outside, 0o666);
      const code = `
import errno, os
for path in (${JSON.stringify(outside)}, "/tmp/escaped.txt", "../escaped.txt", os.path.expanduser("~") + "/../escaped.txt"):
    try:
        with open(path, "w") as f:
            f.write("escaped")
        print("wrote", path)
    except OSError as error:
        print("refused", errno.errorcode[error.errno])
with open("inside.txt", "w") as f:
    f.write("fine")
print("inside ok")
`;
      const result = await runCodeInterpreter({ code }, options());
      expect(result.exit_code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('wrote');
      expect(result.stdout.match(/refused (EROFS|EACCES)/g)).toHaveLength(4);
      expect(result.stdout).toContain('inside ok');
      expect(await readFile(outside, 'utf8')).toBe('untouched');
      await rm(outside);
      await expectServerHealthy();
    });

    it('contains a fork bomb and leaves no process behind', async () => {
      // Each process that forked successfully prints one "+" and keeps forking: the count shows the
      // process limit held (16 processes, the first included), not merely the final kill.
      const code = `
import os, sys
print("forking", flush=True)
while True:
    try:
        if os.fork() == 0:
            os.write(1, b"+")
    except OSError:
        pass
`;
      const ticksBefore = ticks;
      const started = Date.now();
      const result = await runCodeInterpreter(
        { code },
        { ...options(), timeLimitMs: 2_000, maxProcesses: 16 },
      );
      const elapsed = Date.now() - started;
      expect(result.stdout.startsWith('forking\n')).toBe(true);
      const children = result.stdout.split('').filter((character) => character === '+').length;
      expect(children).toBeGreaterThan(0);
      expect(children).toBeLessThan(16);
      expect(result.killed_reason).toBe('timeout');
      // The event loop kept ticking while the bomb ran: a 50 ms ticker, with room for a loaded
      // machine to wake this process late (a blocked loop would tick once or not at all).
      expect(ticks - ticksBefore).toBeGreaterThan(elapsed / 50 / 10);
      await expectServerHealthy();
      const after = await runCodeInterpreter({ code: 'print("still works")' }, options());
      expect(after.stdout).toBe('still works\n');
    });

    it('cannot reach a Unix socket of the host, even a world-writable one in /tmp', async () => {
      const socketPath = join(workRoot, 'control.sock');
      const socketServer = createNetServer((socket) => {
        requestsSeen += 1;
        socket.end('hello');
      });
      await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
      await chmod(socketPath, 0o777);
      try {
        const code = `
import errno, socket
client = socket.socket(socket.AF_UNIX)
try:
    client.connect(${JSON.stringify(socketPath)})
    print("connected")
except OSError as error:
    print("refused", errno.errorcode[error.errno])
`;
        const before = requestsSeen;
        const result = await runCodeInterpreter({ code }, options());
        expect(result.stdout, result.stderr).toMatch(/^refused (ENOENT|EACCES|ECONNREFUSED)\n$/);
        expect(requestsSeen).toBe(before);
      } finally {
        await new Promise((resolve) => socketServer.close(resolve));
      }
      await expectServerHealthy();
    });

    it('kills a run that floods its output past the cap', async () => {
      const result = await runCodeInterpreter(
        { code: 'while True:\n    print("x" * 1000)' },
        { ...options(), maxOutputBytes: 10_000 },
      );
      expect(result.killed_reason).toBe('output_limit');
      expect(result.stdout.length).toBeLessThan(10_100);
      expect(result.stdout).toContain('[output truncated at 10000 bytes]');
      await expectServerHealthy();
    });

    it('kills the sandbox when the caller aborts', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('client went away')), 300);
      await expect(
        runCodeInterpreter(
          { code: 'import time\ntime.sleep(30)' },
          { ...options(), signal: controller.signal },
        ),
      ).rejects.toThrow('client went away');
      await expectServerHealthy();
    });

    it('sees an empty environment and its own PID namespace', async () => {
      process.env.CODE_INTERPRETER_TEST_SECRET = 'do-not-leak';
      const code =
        'import os\nprint(sorted(os.environ))\nprint(os.getpid(), len([p for p in os.listdir("/proc") if p.isdigit()]))';
      const result = await runCodeInterpreter({ code }, options());
      delete process.env.CODE_INTERPRETER_TEST_SECRET;
      expect(result.stdout).not.toContain('CODE_INTERPRETER_TEST_SECRET');
      expect(result.stdout.split('\n')[1]).toBe('1 1');
    });
  });
});
