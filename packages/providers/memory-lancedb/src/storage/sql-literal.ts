/** A string as a SQL literal for LanceDB filters (DataFusion syntax): quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `column IN ('a', 'b')`; callers never pass an empty list (it is not valid SQL). */
export function sqlIn(column: string, values: readonly string[]): string {
  if (values.length === 0) throw new RangeError('sqlIn needs at least one value');
  return `${column} IN (${values.map(sqlString).join(', ')})`;
}
