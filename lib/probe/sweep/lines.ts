// The lines of a target list, a read at a time. readline hands out one line per event and an
// async iterator over it one promise per line, which for a list of 65,534 addresses cost more
// than sweeping them; here each chunk the stream delivers becomes one array of its whole lines,
// split with readline's line ends (\n, \r\n and a lone \r, crlfDelay: Infinity: a \r\n cut
// between two reads is still one end), the last line of a file needing none.
import { StringDecoder } from 'node:string_decoder';

const LINE_END = /\r\n|\r|\n/;

/** The whole lines of each chunk of `input` (strings or bytes, UTF-8), one array per chunk that ends one. */
export async function* lineBatches(input: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    // A \r at the very end may be the first half of a \r\n: the next read decides.
    const end = text.endsWith('\r') ? text.length - 1 : text.length;
    const cut = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1));
    if (cut < 0) {
      rest = text;
      continue;
    }
    const head = text[cut] === '\n' && text[cut - 1] === '\r' ? text.slice(0, cut - 1) : text.slice(0, cut);
    rest = text.slice(cut + 1);
    yield head.split(LINE_END);
  }
  rest += decoder.end();
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest !== '') yield rest.split(LINE_END);
}
