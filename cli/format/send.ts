// Bits of `rawprobe send` output that only send prints.

/** "hex 4500 0024 ..." in 16-bit groups, 32 bytes per line, as tcpdump -x lays them out. */
export function formatHexLine(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 64) {
    const row = hex.slice(i, i + 64).replace(/(.{4})/g, '$1 ').trim();
    lines.push(`${i === 0 ? 'hex' : '   '} ${row}`);
  }
  return `${lines.join('\n')}\n`;
}
