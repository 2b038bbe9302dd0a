/**
 * What is wrong with a dataset's content: a row (`index` from 0, `line` where the format has lines)
 * and, where one is at fault, a column; or the content as a whole (no `index`). The caller words it
 * as a 400 (on create) or a 409 (content that changed since).
 */
export class RowProblem extends Error {
  readonly index: number | undefined;
  readonly line: number | undefined;
  readonly column: string | undefined;
  readonly reason: string;

  constructor(reason: string, where: { index?: number; line?: number; column?: string } = {}) {
    super(describeRowProblem(reason, where));
    this.name = 'RowProblem';
    this.reason = reason;
    this.index = where.index;
    this.line = where.line;
    this.column = where.column;
  }
}

function describeRowProblem(
  reason: string,
  where: { index?: number; line?: number; column?: string },
): string {
  if (where.index === undefined) return where.line === undefined ? reason : `line ${where.line}: ${reason}`;
  const line = where.line === undefined ? '' : `, line ${where.line}`;
  const column = where.column === undefined ? '' : `, column '${where.column}'`;
  return `row ${where.index} (counting from 0${line})${column}: ${reason}`;
}
