// What the classic pcap and pcapng parsers share: the state the reader sees (info, index,
// stopped), the one RecordView every record is read into, handing it to the callback, and the
// error naming the file, the record and the byte.

import { recordError, type PcapError, type PcapErrorReason } from './errors.js';
import { newRecordView, type FormatParser, type OnInfo, type OnRecord, type PcapInfo, type RecordView } from './view.js';

export abstract class RecordParser implements FormatParser {
  info: PcapInfo | null = null;
  index = 0;
  stopped = false;
  protected readonly view: RecordView = newRecordView(Buffer.alloc(0));

  constructor(
    protected readonly name: string,
    protected readonly onInfo: OnInfo | null,
  ) {}

  abstract parse(buf: Buffer, pos: number, end: number, base: number, onRecord: OnRecord): number;
  abstract tailError(buf: Buffer, pos: number, end: number, base: number): PcapError;
  abstract finish(): void;

  /** Hands the record in the view to the callback; false (and stopped) when it asks to stop. */
  protected deliver(onRecord: OnRecord): boolean {
    if (onRecord(this.view) !== false) return true;
    this.stopped = true;
    return false;
  }

  protected error(reason: PcapErrorReason, at: number, what: string, detail: string): PcapError {
    return recordError(this.name, reason, this.index, at, what, detail);
  }
}
