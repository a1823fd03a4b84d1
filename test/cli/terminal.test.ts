// What rawprobe does only when it writes to a terminal, run on a real one (tmux, test/helpers/
// tmux.ts): tables fit the terminal's width (sockopt 128 columns wide, sockopt -v 151, lab show
// about 130, issue 18), and into a pipe they keep their natural width.
import test from 'ava';
import { fitWidths, renderTable } from '../../cli/format/table.js';
import { rawprobe } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { onTerminal, rawprobeArgv } from '../helpers/tmux.js';
import { toolTest } from '../helpers/tools.js';

const onTmux = toolTest(['tmux']);

/** The widest line of `text`, in characters. */
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

test('fitWidths: natural widths when they fit; else the widest columns narrowed first, never below the header', (t) => {
  const cells = [['A', 'BB', 'CCCCCC'], ['x', 'y'.repeat(30), 'z'.repeat(50)]];
  t.deepEqual(fitWidths(cells, 200), [1, 30, 50]);
  // 1 + 3 * 3 = 10 characters of borders: 70 - 10 = 60 for the text.
  t.deepEqual(fitWidths(cells, 70), [1, 29, 29].map((w, i) => (i === 0 ? 1 : w)));
  t.deepEqual(fitWidths(cells, 20), [1, 8, 8], 'the floor: 8 characters or the header');
  t.deepEqual(fitWidths(cells, 200, [undefined, 10, undefined]), [1, 10, 50], 'a width asked for caps the column');
  // Prose columns (given a width) give way first: the names keep theirs while that is enough.
  t.deepEqual(fitWidths(cells, 60, [undefined, undefined, 50]), [1, 30, 19]);
  t.deepEqual(fitWidths(cells, 40, [undefined, undefined, 50]), [1, 14, 14], 'then every column, when that is not enough');
  const drawn = renderTable(cells[0]!, cells.slice(1), { maxWidth: 70 });
  t.true(widest(drawn) <= 70, drawn);
  t.regex(drawn, /z{29}/);
});

onTmux('sockopt and sockopt -v fit an 80-column terminal; into a pipe they keep their width', async (t) => {
  for (const args of [['sockopt'], ['sockopt', '-v']]) {
    const term = onTerminal(t, rawprobeArgv(...args), { width: 80, height: 50 });
    const { code, screen } = await term.done;
    t.is(code, 0, screen);
    const table = screen.split('\n').filter((l) => /^[│┌├└]/.test(l));
    t.true(table.length > 40, screen);
    t.true(widest(table.join('\n')) <= 80, `${args.join(' ')}: ${widest(table.join('\n'))} columns`);
    t.true(screen.includes('SO_BSDCOMPAT'));
    const piped = await rawprobe(args);
    t.true(widest(piped.stdout) > 80, 'a pipe gets the natural width');
  }
});

toolTest(['tmux'], rootTest())('lab show fits a 90-column terminal', async (t) => {
  const lab = await withLab(t, 'diamond');
  const term = onTerminal(t, rawprobeArgv('lab', 'show', lab.name), { width: 90, height: 60 });
  const { code, screen } = await term.done;
  t.is(code, 0, screen);
  const table = screen.split('\n').filter((l) => /^[│┌├└]/.test(l));
  t.true(table.length > 5, screen);
  t.true(widest(table.join('\n')) <= 90, screen);
  const piped = await rawprobe(['lab', 'show', lab.name]);
  t.true(widest(piped.stdout) > 90, `a pipe gets the natural width (${widest(piped.stdout)})`);
});
