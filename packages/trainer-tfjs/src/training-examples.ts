import { type ChatHistoryItem, type ChatWrapper, type LlamaModel, resolveChatWrapper } from 'node-llama-cpp';
import type { TrainingExample } from './lora-trainer.js';

/** A message of a `dialog` column: Llama Stack's roles, plain text content. */
export interface DialogMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A `text` row: BOS then the text's tokens, every target counted (causal-LM loss). */
export function textExample(model: LlamaModel, text: string): TrainingExample {
  const bos = model.tokens.bos;
  return { tokens: [...(bos === null ? [] : [bos]), ...model.tokenize(text)].map(Number) };
}

function toChatHistory(messages: readonly DialogMessage[]): ChatHistoryItem[] {
  return messages.map((message) =>
    message.role === 'assistant'
      ? { type: 'model', response: [message.content] }
      : { type: message.role, text: message.content },
  );
}

function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

/**
 * A `dialog` row rendered with the model's chat template (node-llama-cpp's chat wrapper, the one
 * serving uses), with the loss on the assistant's tokens only: each assistant message's text and
 * the token that ends its turn. An assistant message's tokens are found by rendering the dialog
 * up to it with an empty and with its full reply, and matching both against the whole rendering.
 */
export function dialogExample(
  model: LlamaModel,
  messages: readonly DialogMessage[],
  chatWrapper: ChatWrapper = resolveChatWrapper(model),
): TrainingExample {
  if (!messages.some((message) => message.role === 'assistant'))
    throw new Error('a dialog needs at least one assistant message to train on');
  const render = (history: ChatHistoryItem[]) =>
    chatWrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(model.tokenizer)
      .map(Number);
  const history = toChatHistory(messages);
  const tokens = render(history);
  const spans: [number, number][] = [];
  messages.forEach((message, index) => {
    if (message.role !== 'assistant') return;
    const start = commonPrefixLength(
      render([...history.slice(0, index), { type: 'model', response: [] }]),
      tokens,
    );
    spans.push([start, commonPrefixLength(render(history.slice(0, index + 1)), tokens)]);
  });
  // A dialog that ends on the assistant's reply ends its turn with EOS, which it learns to emit.
  const eos = model.tokens.eos;
  if (spans.at(-1)?.[1] === tokens.length && eos !== null) tokens.push(eos);
  const lossMask = tokens.map(() => 0);
  for (const [start, end] of spans)
    for (let position = start; position < Math.min(end + 1, tokens.length); position++)
      lossMask[position] = 1;
  return { tokens, lossMask };
}
