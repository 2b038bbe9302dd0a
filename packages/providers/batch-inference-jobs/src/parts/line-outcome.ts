/** What one input line came to: a line of the batch's output file, or of its error file. */
export interface LineOutcome {
  ok: boolean;
  /** The JSON written as the line of the output file (`ok`) or of the error file. */
  record: unknown;
  /** Failed because the batch's completion window had passed (counted apart as well). */
  expired?: boolean;
}

/** A line's outcome with its input line number, as a part keeps it. */
export interface PartEntry extends LineOutcome {
  line: number;
}

/** How a part's (or a batch's) lines ended. */
export interface LineCounts {
  succeeded: number;
  failed: number;
  /** Of `failed`, those that failed because the completion window had passed. */
  expired: number;
}

export function countEntries(entries: Iterable<LineOutcome>): LineCounts {
  const counts: LineCounts = { succeeded: 0, failed: 0, expired: 0 };
  for (const entry of entries) addOutcome(counts, entry);
  return counts;
}

export function addOutcome(counts: LineCounts, outcome: LineOutcome): void {
  if (outcome.ok) counts.succeeded++;
  else counts.failed++;
  if (outcome.expired) counts.expired++;
}

export function sumCounts(all: Iterable<LineCounts>): LineCounts {
  const total: LineCounts = { succeeded: 0, failed: 0, expired: 0 };
  for (const counts of all) {
    total.succeeded += counts.succeeded;
    total.failed += counts.failed;
    total.expired += counts.expired;
  }
  return total;
}
