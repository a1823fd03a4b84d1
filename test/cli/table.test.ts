// The CLI's tables (cli/format/table.ts): the simple drawing used for tables of printable ASCII
// (checksum's list of bad packets, sockopt, lab show...) draws exactly what the `table` package
// draws for them, and hands every other table to the package. Random tables, both ways.
import test from 'ava';
import fc from 'fast-check';
import { getBorderCharacters, table, type ColumnUserConfig } from 'table';
import { plainTable, renderTable } from '../../cli/format/table.js';

function packageDrawing(cells: string[][], columns: ColumnUserConfig[]): string {
  return table(cells, { border: getBorderCharacters('norc'), drawHorizontalLine: (i, size) => i <= 1 || i === size, columns });
}

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 });

test('printable ASCII cells, left or right aligned: the same drawing as the table package', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }).chain((n) =>
        fc.tuple(
          fc.array(fc.array(ascii, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 12 }),
          fc.array(fc.constantFrom<ColumnUserConfig>({}, { alignment: 'left' }, { alignment: 'right' }), { minLength: n, maxLength: n }),
        ),
      ),
      ([cells, columns]) => plainTable(cells, { columns }) === packageDrawing(cells, columns),
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('anything else is left to the package: wide or control characters, widths, wrapping, centring', (t) => {
  t.is(plainTable([['名前'], ['x']]), null);
  t.is(plainTable([['a\tb'], ['x']]), null);
  t.is(plainTable([['a'], ['x']], { columns: [{ width: 10 }] }), null);
  t.is(plainTable([['a'], ['x']], { columns: [{ alignment: 'center' }] }), null);
  t.is(renderTable(['名前'], [['x']]), packageDrawing([['名前'], ['x']], []));
});
