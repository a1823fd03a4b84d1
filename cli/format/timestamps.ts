// Where a probing command's times come from, in words (-v) and in JSON: the kernel's stamps at
// both ends (lib/probe/engine/timestamps.ts), the interface's with --hw-timestamps, or, when the
// kernel refuses, the clock read just before each send call; and how the answers were timed.
import type { TimestampSource } from '../../lib/probe/engine/timestamps.js';
import type { TimingCounts } from '../../lib/probe/engine/timing.js';

/** "times: ..." : the clocks the run asked for and got. */
export function timestampsLine(t: TimestampSource | null): string {
  if (t === null) return 'times: the socket given';
  if (t.send === 'user' && t.refused === null) return 'times: the clock at each send call and when each reply is read (user-to-user, -U)';
  let line =
    t.send === 'kernel'
      ? 'times: kernel stamps at both ends (SO_TIMESTAMPING, software)'
      : `times: the kernel refused SO_TIMESTAMPING (${t.refused}): send times from the clock read just before each send call, receive times from the kernel (SO_TIMESTAMPNS)`;
  if (t.hardware !== null) {
    line += t.hardware.on
      ? `; the interface's own stamps where it gives them (${t.hardware.interface}, hardware)`
      : `; --hw-timestamps: ${t.hardware.why}, so software`;
  }
  return line;
}

/** "timed: ..." : how the answers were timed, when any was. */
export function timingLine(c: TimingCounts): string | null {
  const parts: string[] = [];
  if (c.hardware > 0) parts.push(`${c.hardware} with the interface's stamps at both ends`);
  if (c.kernel > 0) parts.push(`${c.kernel} with kernel stamps at both ends`);
  if (c.userSend > 0) parts.push(`${c.userSend} from the clock read before the send call (no kernel send stamp)`);
  if (c.userReceive > 0) parts.push(`${c.userReceive} from the time the answer was read (no kernel receive stamp)`);
  return parts.length === 0 ? null : `timed: ${parts.join(', ')}`;
}

/** The JSON of a TimestampSource (null: a test's socket). */
export function timestampsJson(t: TimestampSource | null): Record<string, unknown> | null {
  if (t === null) return null;
  return { send: t.send, receive: 'kernel', refused: t.refused, hardware: t.hardware };
}
