// lib/check: the checksum engine. Verify the IPv4, ICMP, ICMPv6, UDP and TCP checksums of single
// IPv4 or IPv6 packets or of whole captures (streaming, nothing allocated per good packet), count
// them per layer, and write a copy with the bad ones corrected. Import as `import * as check from './check/index.js'`.
export {
  STATUS,
  STATUS_NAME,
  LAYERS,
  LAYER,
  UNVERIFIABLE,
  CHECKSUM_FIELD,
  newPacketChecksums,
  ipv4HeaderChecksum,
  icmpChecksum,
  icmpv6Checksum,
  udpChecksum,
  tcpChecksum,
  type Status,
  type StatusName,
  type Layer,
  type PacketChecksums,
  type VerifyOptions,
} from './status.js';
export { verifyIp, verifyIpv4, verifyIpv6 } from './verify.js';
export { ChecksumTally, type BadChecksum, type ChecksumSummary, type LayerCounts, type MalformedPacket, type TallyOptions } from './tally.js';
export { ChecksumFixer, applyFixes, type FixRecord } from './fix.js';
export { ChecksumLane } from './lane.js';
export {
  CaptureChecker,
  checkCapture,
  type CaptureCheckerOptions,
  type CheckCaptureOptions,
  type CheckCaptureResult,
  type CheckRecord,
} from './capture.js';
