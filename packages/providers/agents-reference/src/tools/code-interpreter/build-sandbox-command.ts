import { readFileSync } from 'node:fs';

/**
 * How a run is isolated, decided once per process by `detectCodeInterpreterSandbox`:
 * - `root`: the server runs as root. New mount/net/pid/ipc/uts namespaces; the code runs under a
 *   throwaway uid (so RLIMIT_NPROC applies: it is never enforced on uid 0) with no capabilities.
 * - `user-namespace`: the server runs unprivileged. The same namespaces inside a new user namespace
 *   (the kernel must allow unprivileged user namespaces); capabilities are dropped before exec.
 * - `none`: a plain subprocess with resource limits only (explicit opt-in).
 */
export type SandboxMode = 'root' | 'user-namespace' | 'none';

/** Absolute paths of the util-linux tools the sandbox is built with. */
export interface SandboxTools {
  sh: string;
  unshare: string;
  mount: string;
  setpriv: string;
  prlimit: string;
}

export interface SandboxLimits {
  addressSpaceBytes: number;
  cpuSeconds: number;
  fileBytes: number;
  processes: number;
}

export interface SandboxCommandInput {
  mode: SandboxMode;
  /** Required unless mode is `none` (where `prlimit` is used if present). */
  tools: Partial<SandboxTools>;
  workDir: string;
  /** uid/gid the code runs as in `root` mode. */
  sandboxUid: number;
  limits: SandboxLimits;
  /** The interpreter and its arguments. */
  argv: string[];
}

export interface SandboxCommand {
  command: string;
  args: string[];
}

/** Exit status of the setup script when it cannot build the sandbox (distinct from the code's own). */
export const SANDBOX_SETUP_FAILURE_EXIT_CODE = 125;
export const SANDBOX_SETUP_FAILURE_PREFIX = 'code-interpreter-sandbox:';

/**
 * In namespace modes the setup script writes one byte to this descriptor when the sandbox is built,
 * just before it execs the interpreter (which does not inherit it): the code's clock starts there.
 */
export const SANDBOX_READY_FD = 3;

/**
 * Builds the command line of one run. In namespace modes it is
 * `unshare <namespaces> sh -c <setup> ... setpriv <drop privileges> prlimit <limits> <interpreter>`:
 * the setup script runs as (namespace) root inside the new mount namespace, makes every mount
 * read-only except the work directory, mounts a /proc of the new PID namespace, then execs down.
 */
export function buildSandboxCommand(input: SandboxCommandInput): SandboxCommand {
  const limited = prlimitArgv(input.tools.prlimit, input.limits, input.argv);
  if (input.mode === 'none') {
    const [command, ...args] = limited;
    return { command: command as string, args };
  }
  const tools = input.tools as SandboxTools;
  const drop =
    input.mode === 'root'
      ? [
          tools.setpriv,
          `--reuid=${input.sandboxUid}`,
          `--regid=${input.sandboxUid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
          '--',
        ]
      : // Inside a user namespace the code stays namespace-root but without any capability: an
        // empty bounding set means exec grants none, so it cannot undo the read-only remounts.
        [tools.setpriv, '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--'];
  const script = setupScript(tools, readMountPoints(), [...drop, ...limited]);
  const namespaces = ['--net', '--mount', '--pid', '--ipc', '--uts', '--fork', '--kill-child'];
  if (input.mode === 'user-namespace') namespaces.unshift('--user', '--map-root-user');
  return {
    command: tools.unshare,
    args: [...namespaces, '--', tools.sh, '-c', script, 'code-interpreter-setup', input.workDir],
  };
}

function prlimitArgv(prlimit: string | undefined, limits: SandboxLimits, argv: string[]): string[] {
  if (prlimit === undefined) return argv;
  return [
    prlimit,
    `--as=${limits.addressSpaceBytes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--fsize=${limits.fileBytes}`,
    `--nproc=${limits.processes}`,
    '--nofile=256',
    '--core=0',
    '--',
    ...argv,
  ];
}

export interface MountPoint {
  path: string;
  /** Per-mount flags that must be kept on remount (a user namespace may not clear locked ones). */
  keptFlags: string[];
  readOnly: boolean;
}

/** Shared directories replaced by empty read-only tmpfs inside the sandbox. */
const hiddenDirectories = ['/tmp', '/var/tmp', '/run', '/var/run'];

const keptMountFlags = new Set([
  'nosuid',
  'nodev',
  'noexec',
  'noatime',
  'nodiratime',
  'relatime',
  'strictatime',
]);

/** The mount points visible now; a new mount namespace starts with a copy of exactly these. */
export function readMountPoints(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): MountPoint[] {
  const byPath = new Map<string, MountPoint>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const rawPath = fields[4];
    const options = fields[5];
    if (rawPath === undefined || options === undefined) continue;
    // mountinfo escapes space, tab, newline and backslash as octal.
    const path = rawPath.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
    const flags = options.split(',');
    byPath.set(path, {
      path,
      keptFlags: flags.filter((flag) => keptMountFlags.has(flag)),
      readOnly: flags.includes('ro'),
    });
  }
  return [...byPath.values()].sort((a, b) => a.path.length - b.path.length);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function setupScript(tools: SandboxTools, mounts: MountPoint[], exec: string[]): string {
  // -n: the host's mount table files (/etc/mtab, /run/mount/utab) are read-only or hidden in here.
  const mount = `${shellQuote(tools.mount)} -n`;
  const fail = (what: string) =>
    `{ echo ${shellQuote(`${SANDBOX_SETUP_FAILURE_PREFIX} ${what}`)} >&2; exit ${SANDBOX_SETUP_FAILURE_EXIT_CODE}; }`;
  const lines = [
    'work="$1"',
    `${mount} --make-rprivate / || ${fail('cannot make the mount tree private')}`,
    // The work directory becomes its own mount first, so making its parent read-only leaves it writable.
    `${mount} --bind "$work" "$work" || ${fail('cannot bind the work directory')}`,
  ];
  for (const point of mounts) {
    // /proc is replaced below by the new PID namespace's own; the old one would show host processes.
    if (point.path === '/proc' || point.path.startsWith('/proc/')) continue;
    // Without capabilities the code cannot make a read-only mount writable again.
    if (point.readOnly) continue;
    const flags = ['remount', 'bind', 'ro', ...point.keptFlags].join(',');
    lines.push(
      `${mount} -o ${flags} ${shellQuote(point.path)} 2>/dev/null || ${fail(`cannot make ${point.path} read-only`)}`,
    );
  }
  const covers = hiddenDirectories.map(shellQuote).join(' ');
  lines.push(
    `${mount} -o remount,bind,rw,nosuid,nodev "$work" || ${fail('cannot remount the work directory writable')}`,
    `${mount} -t proc -o nosuid,nodev,noexec proc /proc || ${fail('cannot mount /proc for the new PID namespace')}`,
    // A private, small, writable /dev/shm (Python's multiprocessing needs one); it also holds the
    // work directory for a moment below.
    `${mount} -t tmpfs -o nosuid,nodev,noexec,size=16m,mode=1777 tmpfs /dev/shm || ${fail('cannot mount a private /dev/shm')}`,
    // Read-only is not enough for shared temp and runtime directories: connecting to a Unix socket
    // (an X server, a D-Bus or systemd user bus, an ssh agent) ignores read-only mounts. Cover them
    // with empty tmpfs. The work directory may lie under one, so its mount steps aside to /dev/shm
    // and comes back at the same path inside the new tmpfs.
    'stage=/dev/shm/.code-interpreter-work',
    `mkdir "$stage" && ${mount} --move "$work" "$stage" || ${fail('cannot move the work directory aside')}`,
    `for dir in ${covers}; do`,
    `  if [ -d "$dir" ] && [ ! -L "$dir" ]; then ${mount} -t tmpfs -o nosuid,nodev,noexec,size=1m,mode=755 tmpfs "$dir" || ${fail('cannot hide a shared temporary directory')}; fi`,
    'done',
    `mkdir -p "$work" && ${mount} --move "$stage" "$work" && rmdir "$stage" || ${fail('cannot bring the work directory back')}`,
    `for dir in ${covers}; do`,
    `  if [ -d "$dir" ] && [ ! -L "$dir" ]; then ${mount} -o remount,bind,ro,nosuid,nodev,noexec "$dir" || ${fail('cannot make a hidden directory read-only')}; fi`,
    'done',
    `cd "$work" || ${fail('cannot enter the work directory')}`,
    `printf . >&${SANDBOX_READY_FD} || ${fail('cannot report that the sandbox is ready')}`,
    `exec ${SANDBOX_READY_FD}>&- ${exec.map(shellQuote).join(' ')}`,
  );
  return lines.join('\n');
}
