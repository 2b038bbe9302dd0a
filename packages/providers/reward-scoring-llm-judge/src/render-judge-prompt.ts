import type { Dialog, Message } from '@llama-stack-ts/core';
import type { LlmJudgeConfig } from './llm-judge-config.js';

/**
 * The judge's conversation for one answer: the conversation being answered as it is, the answer
 * as the assistant's turn, then the rubric as the user's request for a score. Laid out this way,
 * the judge's prompt starts with the very conversation that generated the answer, so a llama.cpp
 * sequence that just generated it is continued (only the rubric is read), not read again.
 */
export function renderJudgePrompt(settings: LlmJudgeConfig, dialog: Dialog, answer: Message): Message[] {
  const rubric = settings.rubric
    .replaceAll('{min_score}', String(settings.min_score))
    .replaceAll('{max_score}', String(settings.max_score));
  return [
    ...dialog.message_history,
    dialog.message,
    { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls, tool_responses: [] },
    { role: 'user', content: rubric, tool_calls: [], tool_responses: [] },
  ];
}
