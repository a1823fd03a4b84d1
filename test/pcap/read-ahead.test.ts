// The file reader reads the next chunk while the decoder works through this one, regular files
// only: a FIFO (or a device) is read a chunk at a time as before, so that stopping early never
// waits on a read of bytes that may never come.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LINKTYPE, encodePcap, readPcapBuffer, readPcapFile } from '../../lib/pcap/index.js';
import { tempDir } from '../helpers/tmp.js';

function capture(records: number, size: number): Buffer {
  return encodePcap(
    Array.from({ length: records }, (_, i) => ({ data: Buffer.alloc(size + (i % 13), i), timestamp: { sec: i, nsec: 0 } })),
    { linkType: LINKTYPE.RAW },
  );
}

test('a FIFO whose writer stays open: stopping after the first record returns, and nothing is read ahead', async (t) => {
  const dir = tempDir(t, 'pcap-fifo');
  const fifo = join(dir, 'live.pcap');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) {
    t.log('mkfifo failed: skipped');
    t.pass();
    return;
  }
  // Opening either end of a FIFO waits for the other: both opens run together.
  const writing = open(fifo, 'w');
  const reading = readPcapFile(fifo, (v) => v.index < 0, { chunkSize: 4096 });
  const writer = await writing;
  try {
    await writer.write(capture(3, 50));
    const s = await reading; // with a read ahead, this would wait for the writer to close
    t.is(s.records, 1);
    t.true(s.stopped);
  } finally {
    await writer.close();
  }
});

test('a regular file read ahead in chunks of every size gives what the buffer reader gives', async (t) => {
  const bytes = capture(2000, 180);
  const path = join(tempDir(t, 'pcap-ahead'), 'f.pcap');
  await writeFile(path, bytes);
  const want: string[] = [];
  readPcapBuffer(bytes, (v) => void want.push(`${v.index} ${v.fileOffset} ${v.buffer.subarray(v.offset, v.offset + v.capturedLength).toString('hex')}`));
  for (const chunkSize of [64, 200, 513, 8192, 65536]) {
    const got: string[] = [];
    await readPcapFile(path, (v) => void got.push(`${v.index} ${v.fileOffset} ${v.buffer.subarray(v.offset, v.offset + v.capturedLength).toString('hex')}`), { chunkSize });
    t.deepEqual(got, want, `chunks of ${chunkSize}`);
  }
});
