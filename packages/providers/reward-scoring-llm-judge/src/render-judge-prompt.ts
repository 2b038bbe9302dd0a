import type { Dialog, Message } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { LlmJudgeConfig } from './llm-judge-config.js';

function messageLine(message: Message): string {
  return `[${message.role}] ${contentToText(message.content)}`;
}

/**
 * The judge's conversation for one answer: the rubric as its system prompt, then one user turn
 * that shows the conversation being answered, the answer, and asks for the score.
 */
export function renderJudgePrompt(settings: LlmJudgeConfig, dialog: Dialog, answer: Message): Message[] {
  const range = (text: string) =>
    text
      .replaceAll('{min_score}', String(settings.min_score))
      .replaceAll('{max_score}', String(settings.max_score));
  const conversation = [...dialog.message_history, dialog.message].map(messageLine).join('\n');
  const user = [
    'Conversation:',
    conversation,
    '',
    'Answer to rate:',
    contentToText(answer.content),
    '',
    `Score (${settings.min_score} to ${settings.max_score}):`,
  ].join('\n');
  return [
    { role: 'system', content: range(settings.rubric), tool_calls: [], tool_responses: [] },
    { role: 'user', content: user, tool_calls: [], tool_responses: [] },
  ];
}
