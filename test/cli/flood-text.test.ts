// ping -f's dots (cli/format/ping.ts floodText), as iputils writes them: a dot per probe sent, a
// backspace per reply, \bC and \bE over a dot for a bad checksum and an ICMP error, E for a probe
// the kernel refused (no dot). A probe the send thread could not send was dotted already: its E
// goes over a dot, so the screen shows what iputils' shows.
import test from 'ava';
import { floodText } from '../../cli/format/ping.js';

const none = { sent: 0, replies: 0, corrupted: 0, errors: 0, sendErrors: 0 };

test('dots, backspaces, C and E as iputils writes them', (t) => {
  t.is(floodText({ ...none, sent: 3, replies: 2 }), '...\b \b\b \b');
  t.is(floodText({ ...none, sent: 1, corrupted: 1, errors: 1 }), '.\bC\bE');
  t.is(floodText({ ...none, sendErrors: 2 }), 'EE');
  t.is(floodText({ ...none, replies: 1 }, true), '\b \b\u0007');
});

test('a probe refused after its dot (a send thread\'s refusal): E over the dot', (t) => {
  t.is(floodText({ ...none, sent: 2, refusedLater: 1 }), '..\bE');
  t.is(floodText({ ...none, refusedLater: 2, sendErrors: 1 }), '\bE\bEE');
});
