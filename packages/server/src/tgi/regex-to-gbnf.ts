/**
 * Translates a regular expression into a GBNF grammar (llama.cpp's grammar syntax) whose `root`
 * matches exactly the strings the regex matches in full, so TGI's `grammar: { type: "regex" }` runs
 * on providers that take a grammar (`response_format: { type: "grammar" }`).
 *
 * Supported: literals and escapes, `.`, classes (`[a-z_]`, `[^"]`, `\d \w \s` and their negations),
 * groups (`(…)`, `(?:…)`, named `(?<name>…)`), alternation, and the quantifiers `* + ? {n} {n,} {n,m}`
 * (lazy forms match the same strings). `^` and `$` are accepted at the ends, where they change
 * nothing. Backreferences, lookarounds, word boundaries and flags cannot be expressed in a
 * context-free grammar, or are not supported, and raise `RegexGrammarError` naming the position.
 */
export class RegexGrammarError extends Error {
  constructor(reason: string, position: number) {
    super(`cannot use this regex as a grammar: ${reason} at position ${position}`);
    this.name = 'RegexGrammarError';
  }
}

/** The most copies one bounded quantifier may expand to (the grammar grows with it). */
const maxRepetitions = 256;

const classShorthands: Readonly<Record<string, string>> = {
  d: '0-9',
  w: 'a-zA-Z0-9_',
  s: ' \\t\\n\\r\\x0B\\x0C',
};

export function regexToGbnf(pattern: string): string {
  return `root ::= ${new RegexParser(pattern).parse()}\n`;
}

class RegexParser {
  #position = 0;
  /** The pattern by code point, so a character outside the BMP (an emoji) stays one character. */
  readonly #chars: readonly string[];

  constructor(pattern: string) {
    this.#chars = [...pattern];
  }

  /** The rest of the pattern from the current position. */
  #rest(): string {
    return this.#chars.slice(this.#position).join('');
  }

  parse(): string {
    if (this.#peek() === '^') this.#position++;
    const expression = this.#alternation();
    if (this.#position < this.#chars.length) this.#fail(`unexpected '${this.#peek()}'`);
    return expression === '' ? '""' : expression;
  }

  #peek(offset = 0): string | undefined {
    return this.#chars[this.#position + offset];
  }

  #fail(reason: string): never {
    throw new RegexGrammarError(reason, this.#position);
  }

  #alternation(): string {
    const branches = [this.#sequence()];
    while (this.#peek() === '|') {
      this.#position++;
      branches.push(this.#sequence());
    }
    if (branches.length === 1) return branches[0] as string;
    // Unparenthesized: a group adds its parentheses, and `root` may be an alternation.
    return branches.map((branch) => (branch === '' ? '""' : branch)).join(' | ');
  }

  #sequence(): string {
    const items: string[] = [];
    while (this.#position < this.#chars.length) {
      const next = this.#peek();
      if (next === '|' || next === ')') break;
      if (next === '$') {
        this.#position++;
        if (this.#position < this.#chars.length && this.#peek() !== ')' && this.#peek() !== '|') {
          this.#fail("'$' is only supported at the end");
        }
        continue;
      }
      items.push(this.#quantified(this.#atom()));
    }
    return items.join(' ');
  }

  #atom(): string {
    const char = this.#peek() as string;
    const start = this.#position;
    this.#position++;
    switch (char) {
      case '(':
        return this.#group();
      case '[':
        return this.#characterClass();
      case '.':
        return '[^\\n]';
      case '\\':
        return this.#escape(false);
      case '^':
        this.#position = start;
        return this.#fail("'^' is only supported at the start");
      case '*':
      case '+':
      case '?':
        this.#position = start;
        return this.#fail(`nothing to repeat before '${char}'`);
      default:
        return literal(char);
    }
  }

  #group(): string {
    if (this.#peek() === '?') {
      const kind = this.#peek(1);
      if (kind === ':') this.#position += 2;
      else if (kind === '<' && /[A-Za-z_]/.test(this.#peek(2) ?? '')) {
        const close = this.#chars.indexOf('>', this.#position);
        if (close === -1) this.#fail('unterminated group name');
        this.#position = close + 1;
      } else this.#fail('lookarounds, flags and other (?…) groups are not supported');
    }
    const inner = this.#alternation();
    if (this.#peek() !== ')') this.#fail("missing ')'");
    this.#position++;
    return `(${inner === '' ? '""' : inner})`;
  }

  /** After a `\`: the escaped character as a GBNF item (or, in a class, as class content). */
  #escape(inClass: boolean): string {
    const char = this.#peek();
    if (char === undefined) this.#fail('the pattern ends with a lone backslash');
    this.#position++;
    const lower = char.toLowerCase();
    if (lower in classShorthands) {
      const content = classShorthands[lower] as string;
      if (inClass) {
        if (char !== lower) this.#fail(`'\\${char}' is not supported inside a class`);
        return content;
      }
      return char === lower ? `[${content}]` : `[^${content}]`;
    }
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };
    let value: string;
    if (char in simple) value = simple[char] as string;
    else if (char === 'x' || char === 'u') {
      const digits = char === 'x' ? 2 : 4;
      const hex = this.#chars.slice(this.#position, this.#position + digits).join('');
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex))
        this.#fail(`'\\${char}' needs ${digits} hex digits`);
      this.#position += digits;
      value = String.fromCodePoint(Number.parseInt(hex, 16));
    } else if (/[0-9]/.test(char) || char === 'b' || char === 'B' || char === 'k') {
      this.#position--;
      this.#fail(`'\\${char}' (backreferences and word boundaries) is not supported`);
    } else if (/[A-Za-z]/.test(char)) {
      this.#position--;
      this.#fail(`unknown escape '\\${char}'`);
    } else value = char;
    return inClass ? classChar(value) : literal(value);
  }

  #characterClass(): string {
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#position++;
    }
    let content = '';
    let first = true;
    while (this.#peek() !== ']' || first) {
      const char = this.#peek();
      if (char === undefined) this.#fail("missing ']'");
      first = false;
      this.#position++;
      let item: string;
      let single: string | undefined;
      if (char === '\\') {
        // A single escaped character may start a range; a shorthand (\d) may not.
        const escaped = this.#peek()?.toLowerCase();
        const shorthand = escaped !== undefined && escaped in classShorthands;
        item = this.#escape(true);
        single = shorthand ? undefined : item;
      } else {
        item = classChar(char);
        single = item;
      }
      if (
        single !== undefined &&
        this.#peek() === '-' &&
        this.#peek(1) !== ']' &&
        this.#peek(1) !== undefined
      ) {
        this.#position++;
        const end = this.#peek() as string;
        this.#position++;
        const endItem = end === '\\' ? this.#escape(true) : classChar(end);
        item = `${single}-${endItem}`;
      }
      content += item;
    }
    this.#position++;
    return `[${negated ? '^' : ''}${content}]`;
  }

  #quantified(item: string): string {
    const char = this.#peek();
    let min: number;
    let max: number | undefined;
    if (char === '*' || char === '+' || char === '?') {
      this.#position++;
      [min, max] = char === '*' ? [0, undefined] : char === '+' ? [1, undefined] : [0, 1];
    } else if (char === '{' && /^\{\d+(,\d*)?\}/.test(this.#rest())) {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.#rest()) as RegExpExecArray;
      this.#position += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? undefined : Number(match[3]);
      if (max !== undefined && max < min) this.#fail(`{${min},${max}}: the maximum is below the minimum`);
      if ((max ?? min) > maxRepetitions) this.#fail(`repetitions above ${maxRepetitions} are not supported`);
    } else return item;
    if (this.#peek() === '?')
      this.#position++; // lazy: matches the same strings
    else if (this.#peek() === '+') this.#fail('possessive quantifiers are not supported');
    return repeat(item, min, max);
  }
}

/** `item` repeated `min` to `max` times (`undefined`: unbounded), without GBNF's `{m,n}` syntax. */
function repeat(item: string, min: number, max: number | undefined): string {
  const unit = /^(\[.*\]|\(.*\)|"[^"]*")$/.test(item) ? item : `(${item})`;
  if (min === 0 && max === undefined) return `${unit}*`;
  if (min === 1 && max === undefined) return `${unit}+`;
  if (min === 0 && max === 1) return `${unit}?`;
  const required = Array.from({ length: min }, () => unit);
  if (max === undefined) return [...required, `${unit}*`].join(' ');
  let optional = '';
  for (let count = 0; count < max - min; count++) optional = optional ? `(${unit} ${optional})?` : `${unit}?`;
  return [...required, optional].filter(Boolean).join(' ') || '""';
}

/** A GBNF string literal of one character. */
function literal(char: string): string {
  if (char === '"') return '"\\""';
  if (char === '\\') return '"\\\\"';
  return `"${printable(char) ? char : hexEscape(char)}"`;
}

/** One character as class content: everything but letters, digits and plain symbols as `\xHH`. */
function classChar(char: string): string {
  return /^[A-Za-z0-9 _.,;:!?@#%&=<>'"{}()|*+/~`$]$/.test(char) ? char : hexEscape(char);
}

function printable(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f;
}

function hexEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `\\U${code.toString(16).padStart(8, '0').toUpperCase()}`;
}
