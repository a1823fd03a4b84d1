// Ctrl-C and friends around a command's work: handlers installed for the run, removed after it
// whatever happened (ping, trace, tos, sweep, socket).

/**
 * Runs `work` with these signal handlers installed (SIGINT: the session stops and reports what it
 * has, as the classic tools do on Ctrl-C), and removes them after, whatever happened.
 */
export async function withSignals<T>(handlers: Partial<Record<NodeJS.Signals, () => void>>, work: () => Promise<T>): Promise<T> {
  const installed = Object.entries(handlers) as [NodeJS.Signals, () => void][];
  for (const [signal, handler] of installed) process.on(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of installed) process.off(signal, handler);
  }
}
