// A set of typed-array columns declared by one object of field names and array types: the type
// of the set follows from the declaration, and making, growing and clearing the columns go over
// the same list, so a field is added in one place.

type ColumnType = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** The columns of a declaration: each field an instance of its array type. */
export type TypedColumns<D extends Record<string, ColumnType>> = { -readonly [K in keyof D]: InstanceType<D[K]> };

/** New zeroed columns of `size` entries each. */
export function newTypedColumns<D extends Record<string, ColumnType>>(declaration: D, size: number): TypedColumns<D> {
  const columns: Partial<TypedColumns<D>> = {};
  for (const key of Object.keys(declaration) as (keyof D)[]) {
    const ArrayType = declaration[key]!;
    columns[key] = new ArrayType(size) as InstanceType<D[typeof key]>;
  }
  return columns as TypedColumns<D>;
}
