// What `rawprobe decode` says beyond each packet's line (cli/format/packet.ts): the count of
// malformed packets at the end, on stderr. A malformed packet is data, marked on its own line,
// as tcpdump ([|proto], [bad ...]) and tshark ([Malformed Packet]) mark it; the end line says
// how many there were and where the first one broke.
import { problemOffset, type DecodedFrame } from './frame.js';

/** "101 packets, 1 malformed (the first at packet index 50, byte offset 5234: REASON)" */
export function malformedSummary(packets: number, malformed: number, first: DecodedFrame): string {
  const at = problemOffset(first.problem!);
  const where = `packet index ${first.frame.index}${at === null ? '' : `, byte offset ${at}`}`;
  const s = packets === 1 ? '' : 's';
  return `${packets} packet${s}, ${malformed} malformed (the first at ${where}: ${first.problem!.reason})`;
}
