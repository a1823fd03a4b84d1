// The npm raw-socket package's side of the flood rows (bench/rows/flood.ts): an ICMP echo flood
// written the way that package is meant to be used, as small as we could make it fair.
//
//   NODE_PATH=<dir>/node_modules node bench/raw-socket-flood.cjs TARGET SECONDS MAX_COUNT
//   -> {"sent":N,"received":N,"seconds":S} on stdout
//
// Like `ping -f`, it keeps a window of probes in flight: each reply sends the next probe, and a
// 10 ms tick refills the window when replies stopped coming (lost or late), so it never stalls.
// Bounded twice: it stops sending after SECONDS and after MAX_COUNT probes.
//
// CommonJS on purpose: raw-socket is a CommonJS package found through NODE_PATH, installed in a
// temporary directory outside the repository (bench/raw-socket.ts does that).
'use strict';
const raw = require('raw-socket');

const [target, secondsText, maxText] = process.argv.slice(2);
const seconds = Number(secondsText);
const max = Number(maxText);
if (!target || !(seconds > 0 && seconds <= 10) || !(max > 0)) {
  process.stderr.write('usage: raw-socket-flood.cjs TARGET SECONDS(0-10] MAX_COUNT\n');
  process.exit(2);
}

const WINDOW = 64;
const PAYLOAD = 56;
const ident = process.pid & 0xffff;
const socket = raw.createSocket({ protocol: raw.Protocol.ICMP });

let sent = 0;
let seq = 0;
let inFlight = 0;
let received = 0;
let lastReceived = 0;
let stopped = false;

function probe(seq) {
  const b = Buffer.alloc(8 + PAYLOAD);
  b[0] = 8; // echo request
  b.writeUInt16BE(ident, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  for (let k = 0; k < PAYLOAD; k++) b[8 + k] = k;
  raw.writeChecksum(b, 2, raw.createChecksum(b));
  return b;
}

function afterSend(error) {
  if (error) {
    process.stderr.write(`raw-socket send: ${error.message}\n`);
    stop(1);
    return;
  }
  sent++;
}

function pump() {
  while (!stopped && inFlight < WINDOW && seq < max) {
    const b = probe(seq++);
    inFlight++;
    socket.send(b, 0, b.length, target, afterSend);
  }
}

socket.on('message', (buffer) => {
  // A raw IPv4 socket hands over the IP header too; the buffer is the package's shared one, read now.
  const ihl = (buffer[0] & 0x0f) * 4;
  if (buffer[ihl] === 0 && buffer.readUInt16BE(ihl + 4) === ident) {
    received++;
    if (inFlight > 0) inFlight--;
    pump();
  }
});
socket.on('error', (error) => {
  process.stderr.write(`raw-socket: ${error.message}\n`);
  stop(1);
});

const tick = setInterval(() => {
  // No reply for a whole tick: count the window as lost and send a fresh one, as ping -f does.
  if (received === lastReceived) inFlight = 0;
  lastReceived = received;
  pump();
}, 10);

const started = process.hrtime.bigint();
function stop(code) {
  if (stopped) return;
  stopped = true;
  clearInterval(tick);
  // Late replies still in flight get 100 ms, as a ping's summary waits for them.
  setTimeout(() => {
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(`${JSON.stringify({ sent, received, seconds: elapsed })}\n`);
    socket.close();
    process.exit(code);
  }, 100);
}
setTimeout(() => stop(0), seconds * 1000);
pump();
