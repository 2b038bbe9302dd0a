import { describe, expect, it } from 'vitest';
import { RegexGrammarError, regexToGbnf } from './regex-to-gbnf.js';

describe('regexToGbnf', () => {
  it.each([
    ['abc', 'root ::= "a" "b" "c"\n'],
    ['^\\d{3}-\\d{4}$', 'root ::= [0-9] [0-9] [0-9] "-" [0-9] [0-9] [0-9] [0-9]\n'],
    ['(yes|no)', 'root ::= ("y" "e" "s" | "n" "o")\n'],
    ['(?:ab)+c?', 'root ::= ("a" "b")+ "c"?\n'],
    ['[A-Za-z_][\\w-]*', 'root ::= [A-Za-z_] [a-zA-Z0-9_\\x2D]*\n'],
    ['[^"\\\\]+', 'root ::= [^"\\x5C]+\n'],
    ['a{2,4}', 'root ::= "a" "a" ("a" "a"?)?\n'],
    ['x{2,}', 'root ::= "x" "x" "x"*\n'],
    ['.\\s\\S', 'root ::= [^\\n] [ \\t\\n\\r\\x0B\\x0C] [^ \\t\\n\\r\\x0B\\x0C]\n'],
    ['"\\.\\n', 'root ::= "\\"" "." "\\x0A"\n'],
    ['(?<year>\\d+)|', 'root ::= ([0-9]+) | ""\n'],
    ['a+?', 'root ::= "a"+\n'],
    ['é😀+', 'root ::= "é" "😀"+\n'],
  ])('%s', (pattern, grammar) => {
    expect(regexToGbnf(pattern)).toBe(grammar);
  });

  it.each([
    ['(a)\\1', /backreferences/],
    ['(?=a)', /lookarounds/],
    ['\\bword', /word boundaries/],
    ['a^', /only supported at the start/],
    ['*a', /nothing to repeat/],
    ['[abc', /missing '\]'/],
    ['(ab', /missing '\)'/],
    ['a{300}', /repetitions above 256/],
    ['a{3,1}', /below the minimum/],
  ])('rejects %s, saying why', (pattern, reason) => {
    expect(() => regexToGbnf(pattern)).toThrow(RegexGrammarError);
    expect(() => regexToGbnf(pattern)).toThrow(reason);
  });
});
