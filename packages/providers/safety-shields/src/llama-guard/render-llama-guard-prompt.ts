import type { Message } from '@llama-stack-ts/core';
import { messageText } from '../message-text.js';
import { type LlamaGuardCategoryCode, llamaGuardCategories } from './llama-guard-categories.js';

export interface LlamaGuardPromptOptions {
  /** Categories to check, in taxonomy order; excluded ones are left out of the prompt. */
  categories: readonly LlamaGuardCategoryCode[];
}

/** Whose message is judged: the last one's author. Llama Guard calls the assistant "Agent". */
export function llamaGuardAgentType(messages: readonly Message[]): 'User' | 'Agent' {
  return messages.at(-1)?.role === 'assistant' ? 'Agent' : 'User';
}

/**
 * The Llama Guard 3 user turn (the model card's prompt): the categories, the conversation with
 * system messages left out (they are instructions, not content to judge), and the verdict format.
 * The chat template of the guard model adds the special tokens around it.
 */
export function renderLlamaGuardPrompt(
  messages: readonly Message[],
  options: LlamaGuardPromptOptions,
): string {
  const agentType = llamaGuardAgentType(messages);
  const categories = options.categories.map((code) => `${code}: ${llamaGuardCategories[code]}.`).join('\n');
  const conversation = messages
    .filter((message) => message.role !== 'system')
    .map((message) => `${message.role === 'assistant' ? 'Agent' : 'User'}: ${messageText(message)}`)
    .join('\n\n');
  return [
    `Task: Check if there is unsafe content in '${agentType}' messages in conversations according our safety policy with the below categories.`,
    '',
    '<BEGIN UNSAFE CONTENT CATEGORIES>',
    categories,
    '<END UNSAFE CONTENT CATEGORIES>',
    '',
    '<BEGIN CONVERSATION>',
    '',
    conversation,
    '',
    '<END CONVERSATION>',
    '',
    `Provide your safety assessment for ONLY THE LAST ${agentType} message in the above conversation:`,
    " - First line must read 'safe' or 'unsafe'.",
    ' - If unsafe, a second line must include a comma-separated list of violated categories.',
  ].join('\n');
}

/**
 * A GBNF grammar that admits only a verdict: `safe`, or `unsafe` then a line of the checked
 * category codes, comma-separated. Even a model that knows nothing of the task answers parseably.
 */
export function llamaGuardVerdictGrammar(categories: readonly LlamaGuardCategoryCode[]): string {
  // Longest codes first so S10..S14 are not read as S1 followed by a stray digit.
  const codes = [...categories].sort((a, b) => b.length - a.length || a.localeCompare(b));
  return [
    'root ::= "safe" | "unsafe\\n" category ("," category)*',
    `category ::= ${codes.map((code) => `"${code}"`).join(' | ')}`,
  ].join('\n');
}
