import type { Message, RunShieldRequest, RunShieldResponse, Safety } from '@llama-stack-ts/core';

/**
 * A safety implementation for loop tests: the shield `keyword_guard` flags any message whose text
 * contains `params.keyword` (default "forbidden"), with a suggested response. Records every call.
 */
export class KeywordSafety implements Safety {
  readonly calls: RunShieldRequest[] = [];

  async runShield(request: RunShieldRequest): Promise<RunShieldResponse> {
    this.calls.push(structuredClone(request));
    const keyword = typeof request.params.keyword === 'string' ? request.params.keyword : 'forbidden';
    const flagged = request.messages.find((message) => textOf(message).includes(keyword));
    if (!flagged) return { violation: null };
    return {
      violation: {
        violation_type: 'keyword',
        details: `a ${flagged.role} message contains '${keyword}'`,
        suggested_user_response: `Blocked by ${request.shield_type}.`,
      },
    };
  }
}

function textOf(message: Message): string {
  const parts = Array.isArray(message.content) ? message.content : [message.content];
  return parts.map((part) => (typeof part === 'string' ? part : part.url)).join('');
}
