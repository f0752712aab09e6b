import { runCli } from './run-cli.js';

const controller = new AbortController();
let interrupted = false;
const stop = (signal: NodeJS.Signals): void => {
  if (interrupted) process.exit(signal === 'SIGINT' ? 130 : 143);
  interrupted = true;
  process.stderr.write('\nStopping after the messages in flight (Ctrl-C again to quit now)...\n');
  controller.abort();
};
process.on('SIGINT', stop);
// A service manager (systemd, Docker, Kubernetes) stops with SIGTERM: stop as cleanly as on Ctrl-C.
process.on('SIGTERM', stop);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
