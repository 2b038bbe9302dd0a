import type { Message } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { type CodeLanguage, type CodeRule, codeRules, type FindingSeverity } from './code-rules.js';

export interface CodeFinding {
  rule: string;
  category: CodeRule['category'];
  severity: FindingSeverity;
  /** The language whose rules matched; `undefined` when the code's language was unknown. */
  language: CodeLanguage | undefined;
  /** Index of the message in the request. */
  messageIndex: number;
  /** 1-based line in the scanned text (the message's content, or the tool call's code). */
  line: number;
  /** `content`, or `tool_call:<tool_name>` for code a tool call carries. */
  source: string;
  /** The matched line, trimmed and cut to 160 characters. */
  excerpt: string;
  message: string;
}

const languageOfTag: Record<string, CodeLanguage> = {
  python: 'python',
  py: 'python',
  python3: 'python',
  javascript: 'javascript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  node: 'javascript',
  typescript: 'javascript',
  ts: 'javascript',
  tsx: 'javascript',
  bash: 'shell',
  sh: 'shell',
  shell: 'shell',
  zsh: 'shell',
  console: 'shell',
  sql: 'sql',
  mysql: 'sql',
  postgresql: 'sql',
  postgres: 'sql',
  psql: 'sql',
  sqlite: 'sql',
  tsql: 'sql',
  plsql: 'sql',
};

/** The language a fence tag or a `language` param names; `undefined` for an unknown one. */
export function languageOf(tag: string | undefined): CodeLanguage | undefined {
  return tag ? languageOfTag[tag.trim().toLowerCase()] : undefined;
}

export interface ScanOptions {
  /** Language of text that has no code fences (and of unknown fence tags); default: every rule runs. */
  language?: CodeLanguage | undefined;
}

const fencePattern = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)/;

/**
 * Scans one text: the lines inside ``` fences (with the fence's language) when it has any, or the
 * whole text (as `options.language`, or every language) when it has none. Prose beside fences is skipped.
 */
export function scanText(
  text: string,
  options: ScanOptions & { messageIndex?: number; source?: string } = {},
): CodeFinding[] {
  const lines = text.split(/\r?\n/);
  const fenced = lines.some((line) => fencePattern.test(line));
  const findings: CodeFinding[] = [];
  let open: { marker: string; language: CodeLanguage | undefined } | undefined;
  lines.forEach((line, index) => {
    const fence = fencePattern.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      if (!open) {
        open = { marker, language: languageOf(fence[2]) ?? options.language };
        return;
      }
      if (marker.startsWith(open.marker[0] ?? '`') && marker.length >= open.marker.length && !fence[2]) {
        open = undefined;
        return;
      }
    }
    if (fenced && !open) return;
    const language = fenced ? open?.language : options.language;
    for (const rule of codeRules) {
      if (language && !rule.languages.includes(language)) continue;
      if (!rule.pattern.test(line)) continue;
      const excerpt = line.trim();
      findings.push({
        rule: rule.id,
        category: rule.category,
        severity: rule.severity,
        language: language ?? (rule.languages.length === 1 ? rule.languages[0] : undefined),
        messageIndex: options.messageIndex ?? 0,
        line: index + 1,
        source: options.source ?? 'content',
        excerpt: excerpt.length > 160 ? `${excerpt.slice(0, 157)}...` : excerpt,
        message: rule.message,
      });
    }
  });
  return findings;
}

/** Scans each message's content and the code its tool calls carry (code_interpreter code is Python). */
export function scanMessages(messages: readonly Message[], options: ScanOptions = {}): CodeFinding[] {
  return messages.flatMap((message, messageIndex) => [
    ...scanText(contentToText(message.content), { ...options, messageIndex }),
    ...message.tool_calls.flatMap((call) => {
      const code = call.arguments.code;
      if (typeof code !== 'string') return [];
      const language = call.tool_name === 'code_interpreter' ? 'python' : options.language;
      return scanText(code, { language, messageIndex, source: `tool_call:${call.tool_name}` });
    }),
  ]);
}
