// Field tables built from the fields' widths. Every header names its byte offsets once
// (smoltcp's `field` module); writing the offsets by hand made each table a column of sums to
// check against the RFC drawing. Here a header lists its fields in wire order with their widths,
// one row per 32-bit word as the RFC draws them, and the offsets are added up once, here.
//
//   FIELD = layout([['SRC_PORT', 2], ['DST_PORT', 2]], [['LENGTH', 2], ['CHECKSUM', 2]], [['PAYLOAD', 0]])
//   // { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6, PAYLOAD: 8 }
//
// A zero-width field names where the fixed part ends (options, payload, the next record).

/** A field's name and its width in bytes. */
export type Field = readonly [name: string, width: number];

/** The table layout() builds: each field's name and its byte offset. */
export type Offsets<R extends readonly (readonly Field[])[]> = { readonly [K in R[number][number][0]]: number };

/** Byte offsets of the fields of `rows`, laid end to end from `start` (0 unless given with at()). */
export function layout<const R extends readonly (readonly Field[])[]>(...rows: R): Offsets<R> {
  return at(0, ...rows);
}

/**
 * The same from `start`: for the variants of a header's part that several messages read
 * differently (ICMP's rest of header is an identifier and a sequence, or a pointer, or an MTU).
 */
export function at<const R extends readonly (readonly Field[])[]>(start: number, ...rows: R): Offsets<R> {
  const table: Record<string, number> = {};
  let offset = start;
  for (const row of rows) {
    for (const [name, width] of row) {
      table[name] = offset;
      offset += width;
    }
  }
  return Object.freeze(table) as Offsets<R>;
}

/**
 * A code table turned around, value to name, for the words a person reads ("ETHERNET (1)",
 * "LCP"): built from the table, so a code added there is named too. `name` turns a key into the
 * word shown (the key itself by default).
 */
export function namesOf(table: Readonly<Record<string, number>>, name: (key: string) => string = (key) => key): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([key, value]) => [value, name(key)]));
}
