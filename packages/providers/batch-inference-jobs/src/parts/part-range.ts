/**
 * A part of a batch's input: `lines` non-blank lines in the bytes `[start, end)` of the input
 * copy, the first of them physical line `firstLine` (1-based).
 */
export interface PartRange {
  firstLine: number;
  start: number;
  end: number;
  lines: number;
}
