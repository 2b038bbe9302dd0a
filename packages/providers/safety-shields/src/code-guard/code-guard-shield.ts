import type { JsonObject, Message, SafetyViolation } from '@llama-stack-ts/core';
import { z } from 'zod';
import { parseShieldParams } from '../parse-shield-params.js';
import type { Shield } from '../shield.js';
import { codeRules } from './code-rules.js';
import { type CodeFinding, languageOf, scanMessages } from './scan-code.js';

export const CodeGuardParams = z
  .object({
    language: z
      .string()
      .optional()
      .describe(
        'Language of code outside ``` fences (python, javascript, shell, sql). Default: every rule runs.',
      ),
    min_severity: z
      .enum(['warning', 'error'])
      .default('warning')
      .describe("The least severe finding that makes a violation. Default 'warning' (every finding)."),
    disabled_rules: z.array(z.string()).default([]).describe('Rule ids to skip, e.g. python/weak-hash.'),
    only_last_message: z
      .boolean()
      .default(false)
      .describe('Scan only the last message (the model output being checked). Default false: every message.'),
  })
  .loose();

export const codeGuardSuggestedResponse = 'Sorry, I found security concerns in the code.';

/** One line per finding, readable in a log and stable enough to parse: rule, place, severity, why. */
export function formatFinding(finding: CodeFinding): string {
  const place = `message ${finding.messageIndex}${finding.source === 'content' ? '' : ` ${finding.source}`} line ${finding.line}`;
  return `${finding.rule} [${finding.severity}] at ${place}: ${finding.message} (\`${finding.excerpt}\`)`;
}

/**
 * `code_guard`: a static scanner for insecure code (per-language rules) in the conversation. The wire
 * violation has no metadata field, so findings go into `details`, one `formatFinding` line each;
 * `scanMessages` gives them as data.
 */
export class CodeGuardShield implements Shield {
  readonly shieldType = 'code_guard';
  constructor(readonly shieldId: string) {}

  async run(messages: readonly Message[], params: JsonObject): Promise<SafetyViolation | null> {
    const options = parseShieldParams(CodeGuardParams, params, this.shieldId);
    const language = languageOf(options.language);
    if (options.language && !language) {
      parseShieldParams(
        z.object({ language: z.enum(['python', 'javascript', 'shell', 'sql']) }),
        params,
        this.shieldId,
      );
    }
    const unknownRules = options.disabled_rules.filter((id) => !codeRules.some((rule) => rule.id === id));
    if (unknownRules.length > 0) {
      parseShieldParams(
        z.object({
          disabled_rules: z.array(z.enum(codeRules.map((rule) => rule.id) as [string, ...string[]])),
        }),
        params,
        this.shieldId,
      );
    }
    const scanned = options.only_last_message ? messages.slice(-1) : messages;
    const offset = messages.length - scanned.length;
    const findings = scanMessages(scanned, { language })
      .map((finding) => ({ ...finding, messageIndex: finding.messageIndex + offset }))
      .filter((finding) => !options.disabled_rules.includes(finding.rule))
      .filter((finding) => options.min_severity === 'warning' || finding.severity === 'error');
    if (findings.length === 0) return null;
    const rules = [...new Set(findings.map((finding) => finding.rule))];
    return {
      violation_type: rules.join(','),
      details: `code_guard found ${findings.length} issue${findings.length === 1 ? '' : 's'}:\n${findings.map(formatFinding).join('\n')}`,
      suggested_user_response: codeGuardSuggestedResponse,
    };
  }
}
