// The trainer command's guardian (see src/command-trainer.ts), run by plain node: it leads the
// process group the command runs in and ends that group when the worker that started it goes away,
// a `kill -9` included (its IPC channel to the worker closes then). Without it the command would
// train on, holding its GPU, while another worker runs the job again. It exits as the command did.
//
//   node trainer-guardian.mjs <kill_grace_ms> <executable> [args...]   (stdio 0-2 and an IPC channel)
import { spawn } from 'node:child_process';

const [graceMs, executable, ...args] = process.argv.slice(2);
const env = { ...process.env };
// The IPC channel is this process's; a node trainer would otherwise try to open it too.
delete env.NODE_CHANNEL_FD;
delete env.NODE_CHANNEL_SERIALIZATION_MODE;
const command = spawn(executable, args, { stdio: 'inherit', env });

// Cancel signals the whole group; this process waits for the command and reports its exit.
const waitForCommand = () => {};
process.on('SIGTERM', waitForCommand);
process.on('SIGINT', waitForCommand);

command.once('error', (error) => {
  process.send({ type: 'spawn-error', message: error.message }, () => process.exit(127));
});
command.once('exit', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  process.off('SIGTERM', waitForCommand);
  process.off('SIGINT', waitForCommand);
  process.kill(process.pid, signal);
});
process.once('disconnect', () => {
  const signalGroup = (signal) => {
    try {
      process.kill(-process.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), Number(graceMs));
});
