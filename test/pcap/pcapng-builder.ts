// A small pcapng writer for tests, written from draft-ietf-opsawg-pcapng independently of the
// reader, so the reader is checked against the spec rather than against itself. It can also
// write what the spec forbids (bad lengths, wrong trailers) to test the reader's errors.

export interface IdbOptions {
  /** if_tsresol byte: 6 = microseconds (default when absent), 9 = ns, 0x80 | n = 2^-n. */
  tsresol?: number;
  /** if_tsoffset seconds. */
  tsoffset?: number;
  fcslen?: number;
}

export class PcapngBuilder {
  private readonly parts: Buffer[] = [];

  constructor(private littleEndian = true) {}

  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.littleEndian) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.littleEndian) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  private option(code: number, value: Buffer): Buffer {
    const pad = (4 - (value.length % 4)) % 4;
    return Buffer.concat([this.u16(code), this.u16(value.length), value, Buffer.alloc(pad)]);
  }

  /** A block with the given body (padded to 32 bits); `length` overrides both length fields. */
  block(type: number, body: Buffer, overrides: { length?: number; trailer?: number } = {}): this {
    const pad = (4 - (body.length % 4)) % 4;
    const length = 12 + body.length + pad;
    this.parts.push(
      Buffer.concat([
        this.u32(type),
        this.u32(overrides.length ?? length),
        body,
        Buffer.alloc(pad),
        this.u32(overrides.trailer ?? overrides.length ?? length),
      ]),
    );
    return this;
  }

  /** Section Header Block; switches the byte order of the blocks that follow. */
  shb(littleEndian = this.littleEndian, version: [number, number] = [1, 0]): this {
    this.littleEndian = littleEndian;
    const body = Buffer.concat([
      this.u32(0x1a2b3c4d),
      this.u16(version[0]),
      this.u16(version[1]),
      Buffer.from('ffffffffffffffff', 'hex'), // section length unknown
      this.option(4, Buffer.from('rawprobe tests')), // shb_userappl
      this.option(0, Buffer.alloc(0)),
    ]);
    return this.block(0x0a0d0d0a, body);
  }

  idb(linkType: number, snaplen = 262144, o: IdbOptions = {}): this {
    const options: Buffer[] = [this.option(2, Buffer.from('lo'))]; // if_name
    if (o.tsresol !== undefined) options.push(this.option(9, Buffer.from([o.tsresol])));
    if (o.fcslen !== undefined) options.push(this.option(13, Buffer.from([o.fcslen])));
    if (o.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.littleEndian) v.writeBigInt64LE(BigInt(o.tsoffset));
      else v.writeBigInt64BE(BigInt(o.tsoffset));
      options.push(this.option(14, v));
    }
    options.push(this.option(0, Buffer.alloc(0)));
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snaplen), ...options]));
  }

  /** Enhanced Packet Block; `ts` in the interface's units. */
  epb(interfaceId: number, ts: bigint, data: Buffer, originalLength = data.length, capturedLength = data.length): this {
    const pad = (4 - (data.length % 4)) % 4;
    const body = Buffer.concat([
      this.u32(interfaceId),
      this.u32(Number(ts >> 32n)),
      this.u32(Number(ts & 0xffffffffn)),
      this.u32(capturedLength),
      this.u32(originalLength),
      data,
      Buffer.alloc(pad),
      this.option(1, Buffer.from('a comment')), // opt_comment
      this.option(0, Buffer.alloc(0)),
    ]);
    return this.block(6, body);
  }

  /** Obsolete Packet Block (type 2). */
  pb(interfaceId: number, ts: bigint, data: Buffer): this {
    const pad = (4 - (data.length % 4)) % 4;
    const body = Buffer.concat([
      this.u16(interfaceId),
      this.u16(0),
      this.u32(Number(ts >> 32n)),
      this.u32(Number(ts & 0xffffffffn)),
      this.u32(data.length),
      this.u32(data.length),
      data,
      Buffer.alloc(pad),
    ]);
    return this.block(2, body);
  }

  /** Simple Packet Block. */
  spb(data: Buffer, originalLength = data.length): this {
    return this.block(3, Buffer.concat([this.u32(originalLength), data]));
  }

  /** Interface Statistics Block: skipped by readers that do not need it. */
  isb(interfaceId: number): this {
    return this.block(5, Buffer.concat([this.u32(interfaceId), this.u32(0), this.u32(0)]));
  }

  /** Name Resolution Block with one IPv4 record. */
  nrb(): this {
    const rec = Buffer.concat([Buffer.from([127, 0, 0, 1]), Buffer.from('localhost\0')]);
    const body = Buffer.concat([this.u16(1), this.u16(rec.length), rec, Buffer.alloc((4 - (rec.length % 4)) % 4), this.u16(0), this.u16(0)]);
    return this.block(4, body);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
