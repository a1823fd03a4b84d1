// `rawprobe socket listen|connect ADDRESS`, the work behind cli/commands/socket.ts: the command line
// as a lib/netcat session (cli/run/socket-args.ts), its call log (cli/run/socket-log.ts), stdout
// for the data, Ctrl-C, and the exit code. Loaded only when a socket subcommand runs.
//
// Exit codes (README): 0 the session ended as asked (or Ctrl-C stopped it); 1 a negative answer:
// the peer refused, reset or could not be reached, --timeout passed, fewer --count answers came;
// 2 bad usage, or a system error (an address in use, a path too long, a socket the kernel will
// not open, an option it refuses).
import { NetcatSession, type NetcatResult, type Output, type Role } from '../../lib/netcat/index.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { endProblem } from '../format/socket.js';
import type { SocketConnectArgs, SocketListenArgs } from '../options/socket.js';
import { withSignals } from './signals.js';
import { socketPlan } from './socket-args.js';
import { CallLog } from './socket-log.js';

/** What the peer or the network answered "no" with: exit 1. Anything else that fails is exit 2. */
const NEGATIVE_ANSWERS = new Set([
  'ECONNREFUSED', // nobody listens (a reset to the SYN, an ICMP port unreachable, a unix socket with no listener)
  'ENOENT', // no unix socket file at that path: nobody there
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
]);

/** Reply waiting of a datagram connect without --timeout (lib/netcat's default). */
const REPLY_WAIT_MS = 1000;

/**
 * Received data to stdout. The session reuses the buffer for the next recv, so each write is
 * awaited until stdout has taken every byte (at once for a file or /dev/null; a slow pipe is
 * the back-pressure).
 */
const stdoutOutput: Output = {
  write(data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      process.stdout.write(data, (error) => (error ? reject(error) : resolve()));
    });
  },
};

function write(to: NodeJS.WriteStream): (line: string) => void {
  return (line) => {
    to.write(line);
  };
}

function exitCode(r: NetcatResult): number {
  if (r.outcome === 'done' || r.outcome === 'stopped') return EXIT_OK;
  if (r.outcome === 'failed' && !NEGATIVE_ANSWERS.has(r.error?.code ?? '')) return EXIT_ERROR;
  return EXIT_NEGATIVE;
}

async function runSocket(role: Role, a: SocketListenArgs | SocketConnectArgs): Promise<void> {
  const plan = socketPlan(role, a);
  const log = new CallLog(
    { mode: plan.log.mode, verbose: plan.log.verbose, write: write(plan.log.toStdout ? process.stdout : process.stderr) },
    plan.session,
  );
  const session = new NetcatSession({
    ...plan.session,
    replyWaitMs: REPLY_WAIT_MS,
    output: plan.dataToStdout ? stdoutOutput : null,
    onCall: log.onCall,
    onEvent: log.event,
  });
  const stop = (): void => session.stop();
  const result = await withSignals({ SIGINT: stop, SIGTERM: stop, SIGHUP: stop }, () => session.run());
  log.end(result);
  const code = exitCode(result);
  const problem = endProblem(result, plan.session.timeoutMs ?? null, REPLY_WAIT_MS, plan.session.count ?? null);
  if (problem !== null && code !== EXIT_OK) throw new CliError(problem, code);
  process.exitCode = code;
}

/** `rawprobe socket listen ADDRESS` (cli/options/socket.ts). */
export async function listen(a: SocketListenArgs): Promise<void> {
  await runSocket('listen', a);
}

/** `rawprobe socket connect ADDRESS` (cli/options/socket.ts). */
export async function connect(a: SocketConnectArgs): Promise<void> {
  await runSocket('connect', a);
}
