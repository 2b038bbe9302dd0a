import { describe, expect, it } from 'vitest';
import { buildSandboxCommand, readMountPoints } from './build-sandbox-command.js';

const mountinfo = [
  '22 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '24 22 0:30 / /mnt/with\\040space rw,nosuid,nodev - tmpfs tmpfs rw',
  '25 22 0:31 / /usr/share/ro ro,nosuid - squashfs /dev/loop0 ro',
  '26 24 0:32 / /mnt/with\\040space rw,noexec - tmpfs tmpfs rw',
  '',
].join('\n');

const tools = {
  sh: '/bin/sh',
  unshare: '/usr/bin/unshare',
  mount: '/bin/mount',
  setpriv: '/usr/bin/setpriv',
  prlimit: '/usr/bin/prlimit',
};
const limits = { addressSpaceBytes: 1024, cpuSeconds: 3, fileBytes: 2048, processes: 8 };

describe('readMountPoints', () => {
  it('decodes octal escapes, keeps the flags a remount must keep, and lets the top mount of a path win', () => {
    expect(readMountPoints(mountinfo)).toEqual([
      { path: '/', keptFlags: ['relatime'], readOnly: false },
      { path: '/proc', keptFlags: ['nosuid', 'nodev', 'noexec', 'relatime'], readOnly: false },
      { path: '/usr/share/ro', keptFlags: ['nosuid'], readOnly: true },
      { path: '/mnt/with space', keptFlags: ['noexec'], readOnly: false },
    ]);
  });
});

describe('buildSandboxCommand', () => {
  it('runs as a throwaway uid without capabilities under root, inside new namespaces', () => {
    const { command, args } = buildSandboxCommand({
      mode: 'root',
      tools,
      workDir: "/tmp/it's",
      sandboxUid: 3_000_123,
      limits,
      argv: ['/usr/bin/python3', '-I', '-'],
    });
    expect(command).toBe('/usr/bin/unshare');
    expect(args.slice(0, 7)).toEqual([
      '--net',
      '--mount',
      '--pid',
      '--ipc',
      '--uts',
      '--fork',
      '--kill-child',
    ]);
    expect(args.at(-1)).toBe("/tmp/it's");
    const script = args[args.indexOf('-c') + 1] ?? '';
    expect(script).toContain(
      "'--reuid=3000123' '--regid=3000123' '--clear-groups' '--inh-caps=-all' '--bounding-set=-all' '--no-new-privs'",
    );
    expect(script).toContain("'--as=1024' '--cpu=3' '--fsize=2048' '--nproc=8'");
    expect(script).toMatch(/'\/usr\/bin\/python3' '-I' '-'$/);
    // The code's clock starts at the byte on fd 3; the code itself does not inherit fd 3.
    expect(script).toMatch(/printf \. >&3 .*\nexec 3>&- '\/usr\/bin\/setpriv'/);
  });

  it('adds a user namespace and keeps namespace-root without capabilities when unprivileged', () => {
    const { args } = buildSandboxCommand({
      mode: 'user-namespace',
      tools,
      workDir: '/tmp/w',
      sandboxUid: 1,
      limits,
      argv: ['node', '-'],
    });
    expect(args.slice(0, 2)).toEqual(['--user', '--map-root-user']);
    const script = args[args.indexOf('-c') + 1] ?? '';
    expect(script).not.toContain('--reuid');
    expect(script).toContain("'--bounding-set=-all' '--no-new-privs'");
  });

  it('applies only the limits under isolation none', () => {
    expect(
      buildSandboxCommand({
        mode: 'none',
        tools: { prlimit: '/usr/bin/prlimit' },
        workDir: '/tmp/w',
        sandboxUid: 1,
        limits,
        argv: ['python3', '-'],
      }),
    ).toEqual({
      command: '/usr/bin/prlimit',
      args: [
        '--as=1024',
        '--cpu=3',
        '--fsize=2048',
        '--nproc=8',
        '--nofile=256',
        '--core=0',
        '--',
        'python3',
        '-',
      ],
    });
  });
});
