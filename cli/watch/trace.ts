import type { TraceRoundsSession } from '../../lib/probe/trace/rounds-session.js';
export async function watchTrace(session: TraceRoundsSession, _o: { numeric: boolean; extensions: boolean; flows: boolean }): Promise<boolean> {
  return (await session.run()).reached;
}
