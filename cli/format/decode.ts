// What `rawprobe decode` says beyond each packet's line (cli/format/packet.ts): the one line for
// the first malformed packet, printed last.
import type { DecodedFrame } from './packet.js';

/** "malformed packet at packet index I, byte offset O: REASON (N malformed packets in all)" */
export function malformedMessage(first: DecodedFrame, malformed: number): string {
  const more = malformed > 1 ? ` (${malformed} malformed packets in all)` : '';
  return `malformed packet at packet index ${first.frame.index}, byte offset ${first.problem?.offset ?? 0}: ${first.problem?.reason}${more}`;
}
