// lib/capture: packet capture on an interface or on all of them, with tcpdump's filters compiled by
// libpcap. Import as `import * as capture from './capture/index.js'`.
export { Capture, openCapture, type CaptureEvents, type CaptureStats, type WaitOptions } from './capture.js';
export { CAPTURE_DEFAULTS, resolveOptions, type CaptureOptions, type ResolvedOptions } from './options.js';
export { compileFilter, cookedProgram, decodeProgram, errorPosition, kernelProgram, type CompiledFilter, type CompileOptions } from './filter.js';
export { ANY, SLL2_HEADER_LENGTH, captureTarget, defaultInterface, interfaceNames, loopbackIndex, type CaptureTarget } from './interfaces.js';
export { batchRecord, batchRecords, capturedPacket, directionName, type CaptureBatch, type CapturedPacket, type PacketDirection } from './packet.js';
export { CaptureError, CAPTURE_ERROR, type CaptureErrorCode } from './errors.js';
export type { PacketsOptions } from './queue.js';
