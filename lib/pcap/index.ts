// The pcap area: read and write capture files. `import * as pcap from './pcap/index.js'`.

export { PcapError, PCAP_ERROR, type PcapErrorReason } from './errors.js';
export { LINKTYPE, MAGIC, MAX_CAPTURED_LENGTH, linkTypeName, type ByteOrder } from './format.js';
export type { OnInfo, OnRecord, PcapInfo, PcapInterface, PcapTimestamp, RecordBatch, RecordView } from './view.js';
export { PcapDecoder } from './decoder.js';
export {
  DEFAULT_CHUNK_SIZE,
  pcapRecords,
  PcapRecordIterator,
  readPcapBuffer,
  readPcapFile,
  toRecord,
  type PcapRecord,
  type PcapSource,
  type PcapSummary,
  type ReadOptions,
  type StreamReadOptions,
} from './read.js';
export { ADDRESS_FAMILY, ARPHRD, ETHERTYPE } from './link-fields.js';
export { ipLinkHeader, ipv4LinkHeader, type LinkHeaderOptions } from './link-header.js';
export {
  NETWORK,
  NOT_IPV4,
  NOT_NETWORK,
  describeNotIpv4,
  describeNotNetwork,
  locateIpv4,
  locateIpv4InRecord,
  locateNetwork,
  locateNetworkInRecord,
  newIpv4Location,
  newNetworkLocation,
  type FrameRef,
  type Ipv4Location,
  type Network,
  type NetworkLocation,
  type NotIpv4Reason,
  type NotNetworkReason,
} from './link.js';
export { MPLS_ETHERTYPE, mplsLabels, type MplsLabel } from './link-mpls.js';
export { NFLOG_FAMILY, NFULA, nflogInfo, type NflogInfo } from './link-nflog.js';
export { CISCO_HDLC_ADDRESS, PPP_PROTOCOL, pppProtocolName } from './link-ppp.js';
export {
  DEFAULT_SNAPLEN,
  PcapWriter,
  encodePcap,
  encodePcapHeader,
  encodingLength,
  type FrameSource,
  type PcapWriteOptions,
  type PcapWriteRecord,
  type PcapWriterOptions,
  type TimestampInput,
} from './write.js';
export { PcapngWriter, type PcapngWriterOptions } from './pcapng-write.js';
