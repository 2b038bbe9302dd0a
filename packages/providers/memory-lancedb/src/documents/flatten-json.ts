/**
 * JSON as text to index: one `path: value` line per leaf (`author.name: Ada`), arrays of plain
 * values on one line (`tags: a, b`). Keys stay beside their values, so both the embedding and the
 * keyword index see which field a value belongs to. A bare string or number is itself.
 */
export function flattenJson(value: unknown): string {
  if (!isContainer(value)) return String(value ?? '');
  const lines: string[] = [];
  walk(value, '', lines);
  return lines.join('\n');
}

function walk(value: unknown, path: string, lines: string[]): void {
  if (Array.isArray(value)) {
    if (value.every((item) => !isContainer(item))) {
      lines.push(`${path || '(root)'}: ${value.map(scalar).join(', ')}`);
      return;
    }
    value.forEach((item, index) => {
      walk(item, path ? `${path}.${index}` : String(index), lines);
    });
    return;
  }
  if (isContainer(value)) {
    for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key, lines);
    return;
  }
  lines.push(`${path || '(root)'}: ${scalar(value)}`);
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function scalar(value: unknown): string {
  return value === null ? 'null' : String(value);
}
