// The library face of rawprobe: everything a script needs to build, send, receive and check
// packets, and to run the probes the commands run. Each area is a namespace so names stay short
// and unambiguous.
export * as wire from './wire/index.js';
export * as socket from './socket/index.js';
export * as pcap from './pcap/index.js';
export * as probe from './probe/index.js';
export * as lab from './lab/index.js';
export * as check from './check/index.js';
export * as craft from './craft/index.js';
export * as sockopt from './sockopt/index.js';
export * as capture from './capture/index.js';
export * as netcat from './netcat/index.js';
