import { createReadStream } from 'node:fs';
import { RowProblem } from '../rows/row-problem.js';
import type { RawRecord, ReadRecordsOptions } from './raw-record.js';

type State = 'before-array' | 'between' | 'in-element' | 'after-array';

/**
 * The rows of a JSON file holding one array of objects, cut out of the text one element at a time
 * (memory holds one element, not the file). Elements before `startIndex` are scanned, not parsed.
 */
export async function* readJsonArrayRecords(
  path: string,
  options: ReadRecordsOptions,
): AsyncGenerator<RawRecord> {
  const input = createReadStream(path, { encoding: 'utf8', signal: options.signal });
  let state: State = 'before-array';
  let line = 1;
  let index = 0;
  /** Nesting inside the current element: 1 right after its `{`. */
  let depth = 0;
  let inString = false;
  let escaped = false;
  let elementLine = 1;
  let element = '';
  let elementStart = 0;
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const text = index === 0 && state === 'before-array' ? chunk.replace(/^\uFEFF/, '') : chunk;
      elementStart = 0;
      for (let position = 0; position < text.length; position++) {
        const char = text[position]!;
        if (char === '\n') line++;
        if (state === 'in-element') {
          if (inString) {
            if (escaped) escaped = false;
            else if (char === '\\') escaped = true;
            else if (char === '"') inString = false;
            continue;
          }
          if (char === '"') inString = true;
          else if (char === '{' || char === '[') depth++;
          else if (char === '}' || char === ']') {
            depth--;
            if (depth === 0) {
              const rowIndex = index++;
              state = 'between';
              if (rowIndex >= options.startIndex) {
                const source = element + text.slice(elementStart, position + 1);
                yield {
                  index: rowIndex,
                  line: elementLine,
                  value: parseElement(source, rowIndex, elementLine),
                };
              }
              element = '';
            }
          }
          continue;
        }
        if (/\s/.test(char)) continue;
        if (state === 'before-array') {
          if (char !== '[') throw notAnArray(line);
          state = 'between';
        } else if (state === 'between') {
          if (char === ',') continue;
          if (char === ']') {
            state = 'after-array';
          } else if (char === '{') {
            state = 'in-element';
            depth = 1;
            elementLine = line;
            elementStart = position;
          } else {
            throw new RowProblem('is not a JSON object; a JSON dataset is an array of objects', {
              index,
              line,
            });
          }
        } else {
          throw new RowProblem('the JSON array is followed by more text; a JSON dataset is one array', {
            line,
          });
        }
      }
      // An element that goes on into the next chunk keeps its text so far (only from startIndex on).
      if (state === 'in-element' && index >= options.startIndex) element += text.slice(elementStart);
    }
  } finally {
    input.destroy();
  }
  // Widened: the loop above changes `state` in ways TypeScript's narrowing does not follow.
  const ended = state as State;
  if (ended === 'before-array') throw notAnArray(line);
  if (ended !== 'after-array') {
    throw new RowProblem('the JSON array is not closed: the content ends inside it (cut off?)', { line });
  }
}

function notAnArray(line: number): RowProblem {
  return new RowProblem('is not a JSON array; a JSON dataset is an array of objects ([{...}, {...}])', {
    line,
  });
}

function parseElement(source: string, index: number, line: number): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new RowProblem(`is not valid JSON (${(error as Error).message})`, { index, line });
  }
}
