// The engine's rings (the probe table, the send keys, the probe plan) index a slot by a number's
// low bits, so each holds a power of two of entries: the smallest one that holds `wanted`, and
// at least `least`.

export function ringSize(wanted: number, least = 1): number {
  let size = least;
  while (size < wanted) size *= 2;
  return size;
}
