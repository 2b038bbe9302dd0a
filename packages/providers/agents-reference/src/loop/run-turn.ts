import { randomUUID } from 'node:crypto';
import {
  type AgenticSystemCreateRequest,
  type AgenticSystemExecuteResponseStreamChunk,
  type AgenticSystemTurn,
  ChatCompletionRequest,
  type ExecutionStep,
  type ExecutionStepType,
  type Inference,
  type MemoryBankDocument,
  type MemoryBanks,
  type Message,
  type Safety,
  type SafetyViolation,
  type ShieldConfig,
  type StopReason,
  type ToolCall,
  type ToolResponse,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { ToolExecutor } from '../tools/tool-executor.js';
import { toolMessage, turnsToMessages } from './turns-to-messages.js';

type Chunk = AgenticSystemExecuteResponseStreamChunk;

/** What one turn runs with. */
export interface TurnContext {
  agent: AgenticSystemCreateRequest;
  inference: Pick<Inference, 'streamChatCompletion'>;
  safety?: Pick<Safety, 'runShield'> | undefined;
  memory?: Pick<MemoryBanks, 'queryDocuments'> | undefined;
  /** The tools the server runs for this agent; calls to any other tool go back to the client. */
  executors: ReadonlyMap<string, ToolExecutor>;
  maxInferIters: number;
  memoryMaxChunks: number;
  signal?: AbortSignal | undefined;
  /** Step ids; default random UUIDs (tests pass a counter). */
  newStepId?: () => string;
}

/** Said in place of the answer when a shield blocks and suggests nothing. */
const defaultBlockedResponse = 'I cannot help with that request.';

/**
 * One turn of the agent loop, yielding stream events as they happen and returning the turn:
 * input shields on the new messages -> memory retrieval -> inference with the tools -> run the
 * executable tool calls (shielding their output) and infer again, until the model answers without
 * a tool call, calls a tool the client runs, or reaches `maxInferIters` -> output shields.
 * Every step is recorded; a `step_end` event closes each `step_start` with the same `step_uuid`.
 */
export async function* runTurn(
  context: TurnContext,
  history: readonly AgenticSystemTurn[],
  messages: readonly Message[],
): AsyncGenerator<Chunk, AgenticSystemTurn> {
  const { agent } = context;
  const newStepId = context.newStepId ?? randomUUID;
  const steps: ExecutionStep[] = [];
  const finish = (response_message: Message): AgenticSystemTurn => ({
    user_messages: [...messages],
    steps,
    response_message,
  });
  const blocked = (violation: SafetyViolation) =>
    finish(assistant(violation.suggested_user_response ?? defaultBlockedResponse));

  // Input shields on the new messages.
  const inputViolation = yield* shieldStep(context, newStepId, agent.input_shields, messages, steps);
  if (inputViolation) return blocked(inputViolation);

  // Memory retrieval: the passages go into the model's context, not into the recorded messages.
  let newMessages = [...messages];
  if (agent.memory_bank_uuids.length > 0 && context.memory) {
    const retrieved = yield* memoryStep(context, newStepId(), messages, steps);
    if (retrieved.length > 0) newMessages = withPassages(newMessages, retrieved);
  }

  const conversation: Message[] = [
    { role: 'system', content: agent.instructions, tool_calls: [], tool_responses: [] },
    ...turnsToMessages(history),
    ...newMessages,
  ];

  // tool_choice binds the first inference of a turn that brings new input. A forced call would
  // otherwise repeat forever: after a tool ran here, and on a turn that only hands back the client's
  // responses to the call the previous turn returned.
  const answersClientCall = messages.every((message) => message.role === 'tool');
  let last: Message = assistant('');
  for (let iteration = 1; iteration <= context.maxInferIters; iteration += 1) {
    const toolChoice = iteration === 1 && !answersClientCall ? (agent.tool_choice ?? 'auto') : 'auto';
    last = yield* inferenceStep(context, newStepId(), conversation, toolChoice, steps);

    if (last.tool_calls.length === 0) {
      const outputViolation = yield* shieldStep(
        context,
        newStepId,
        agent.output_shields,
        [...messages, last],
        steps,
      );
      return outputViolation ? blocked(outputViolation) : finish(last);
    }

    const runnable = last.tool_calls.filter((call) => context.executors.has(call.tool_name));
    const forClient = last.tool_calls.filter((call) => !context.executors.has(call.tool_name));
    if (runnable.length === 0) return finish(last);

    const responses = yield* toolStep(context, newStepId(), runnable, steps);
    conversation.push({ ...last, tool_calls: runnable }, ...responses.map(toolMessage));

    // A tool's output is new input to the model: its own output shields and the agent's input shields.
    const toolShields = uniqueShields([
      ...runnable.flatMap(
        (call) =>
          agent.available_tools.find((tool) => tool.tool_name === call.tool_name)?.output_shields ?? [],
      ),
      ...agent.input_shields,
    ]);
    const toolViolation = yield* shieldStep(
      context,
      newStepId,
      toolShields,
      responses.map(toolMessage),
      steps,
    );
    if (toolViolation) return blocked(toolViolation);

    // Calls the client runs end the turn once the server's own calls are done.
    if (forClient.length > 0) return finish({ ...last, content: '', tool_calls: forClient });
  }
  // The step limit: the last answer stands, its tool calls already run.
  const limitNote = `(stopped after ${context.maxInferIters} inferences: max_infer_iters)`;
  const text = contentToText(last.content);
  return finish(assistant(text === '' ? limitNote : text));
}

function assistant(text: string, tool_calls: ToolCall[] = []): Message {
  return { role: 'assistant', content: text, tool_calls, tool_responses: [] };
}

function event(
  event_type: Chunk['event_type'],
  step_type: ExecutionStepType,
  step_uuid: string,
  extra: Partial<Chunk> = {},
): Chunk {
  return { event_type, step_type, step_uuid, ...extra };
}

function uniqueShields(shields: readonly ShieldConfig[]): ShieldConfig[] {
  const seen = new Set<string>();
  return shields.filter((shield) => {
    const key = `${shield.shield_type}:${JSON.stringify(shield.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Runs the shields in order; the first violation ends the step. No step when there are no shields. */
async function* shieldStep(
  context: TurnContext,
  newStepId: () => string,
  shields: readonly ShieldConfig[],
  messages: readonly Message[],
  steps: ExecutionStep[],
): AsyncGenerator<Chunk, SafetyViolation | undefined> {
  if (shields.length === 0) return undefined;
  const stepUuid = newStepId();
  const safety = context.safety;
  if (!safety) {
    // create() refuses agents with shields when no safety provider exists; this guards stored agents.
    throw new Error(
      `Shield '${shields[0]?.shield_type}' needs a safety provider: configure one under providers.safety in distribution.yaml.`,
    );
  }
  yield event('step_start', 'safety_filtering', stepUuid);
  let violation: SafetyViolation | undefined;
  for (const shield of shields) {
    const response = await safety.runShield(
      { shield_type: shield.shield_type, messages: [...messages], params: shield.params },
      { signal: context.signal },
    );
    if (response.violation) {
      violation = response.violation;
      break;
    }
  }
  if (violation) yield event('step_progress', 'safety_filtering', stepUuid, { violation });
  yield event('step_end', 'safety_filtering', stepUuid, { violation: violation ?? null });
  steps.push({ step_type: 'safety_filtering', uuid: stepUuid, violation: violation ?? null });
  return violation;
}

interface Retrieved {
  document: MemoryBankDocument;
  score: number;
}

async function* memoryStep(
  context: TurnContext,
  stepUuid: string,
  messages: readonly Message[],
  steps: ExecutionStep[],
): AsyncGenerator<Chunk, Retrieved[]> {
  const memory = context.memory;
  if (!memory) return [];
  const query = messages
    .filter((message) => message.role === 'user')
    .map((message) => contentToText(message.content))
    .join('\n');
  yield event('step_start', 'memory_retrieval', stepUuid);
  const retrieved: Retrieved[] = [];
  if (query.trim() !== '') {
    for (const bankUuid of context.agent.memory_bank_uuids) {
      const result = await memory.queryDocuments(
        { bank_uuid: bankUuid, query, params: { max_chunks: context.memoryMaxChunks, mode: 'vector' } },
        { signal: context.signal },
      );
      result.chunks.forEach((chunk, index) => {
        retrieved.push({
          document: {
            uuid: chunk.document_id,
            content: contentToText(chunk.content),
            metadata: { ...chunk.metadata, memory_bank_uuid: bankUuid },
            mime_type: 'text/plain',
          },
          score: result.scores[index] ?? 0,
        });
      });
    }
  }
  retrieved.sort((a, b) => b.score - a.score);
  for (const { document } of retrieved) {
    yield event('step_progress', 'memory_retrieval', stepUuid, { retrieved_document: document });
  }
  yield event('step_end', 'memory_retrieval', stepUuid);
  steps.push({
    step_type: 'memory_retrieval',
    uuid: stepUuid,
    documents: retrieved.map((entry) => entry.document),
    scores: retrieved.map((entry) => entry.score),
  });
  return retrieved;
}

/** Appends the retrieved passages to the last user message, where chat templates keep them. */
function withPassages(messages: Message[], retrieved: readonly Retrieved[]): Message[] {
  const passages = retrieved.map((entry, index) => `[${index + 1}] ${entry.document.content}`).join('\n');
  const note = `\n\nPassages retrieved from memory that may help:\n${passages}`;
  const lastUser = messages.map((message) => message.role).lastIndexOf('user');
  if (lastUser === -1)
    return [...messages, { role: 'user', content: note.trim(), tool_calls: [], tool_responses: [] }];
  return messages.map((message, index) =>
    index === lastUser ? { ...message, content: `${contentToText(message.content)}${note}` } : message,
  );
}

async function* inferenceStep(
  context: TurnContext,
  stepUuid: string,
  conversation: readonly Message[],
  toolChoice: NonNullable<AgenticSystemCreateRequest['tool_choice']>,
  steps: ExecutionStep[],
): AsyncGenerator<Chunk, Message> {
  const { agent } = context;
  const request = ChatCompletionRequest.parse({
    model: agent.model,
    messages: conversation,
    sampling_params: agent.sampling_params,
    available_tools: agent.available_tools,
    tool_choice: agent.available_tools.length > 0 ? toolChoice : 'auto',
    stream: true,
  });
  yield event('step_start', 'model_inference', stepUuid);
  let text = '';
  const toolCalls: ToolCall[] = [];
  let stopReason: StopReason | null | undefined;
  for await (const chunk of context.inference.streamChatCompletion(request, { signal: context.signal })) {
    if (chunk.text_delta) {
      text += chunk.text_delta;
      yield event('step_progress', 'model_inference', stepUuid, { response_text_delta: chunk.text_delta });
    }
    if (chunk.tool_call) {
      toolCalls.push(chunk.tool_call);
      yield event('step_progress', 'model_inference', stepUuid, { tool_call: chunk.tool_call });
    }
    if (chunk.stop_reason) stopReason = chunk.stop_reason;
  }
  yield event('step_end', 'model_inference', stepUuid, { stop_reason: stopReason ?? null });
  steps.push({ step_type: 'model_inference', uuid: stepUuid, text });
  return assistant(text, toolCalls);
}

async function* toolStep(
  context: TurnContext,
  stepUuid: string,
  calls: readonly ToolCall[],
  steps: ExecutionStep[],
): AsyncGenerator<Chunk, ToolResponse[]> {
  yield event('step_start', 'tool_execution', stepUuid);
  const responses: ToolResponse[] = [];
  for (const call of calls) {
    yield event('step_progress', 'tool_execution', stepUuid, { tool_call: call });
    const executor = context.executors.get(call.tool_name);
    let response: ToolResponse;
    try {
      if (!executor) throw new Error(`no executor for ${call.tool_name}`);
      response = { tool_name: call.tool_name, content: await executor(call, { signal: context.signal }) };
    } catch (error) {
      if (context.signal?.aborted) throw error;
      // A failed tool is reported to the model, which may retry or answer without it.
      response = { tool_name: call.tool_name, content: `Error: ${(error as Error).message}` };
    }
    responses.push(response);
    yield event('step_progress', 'tool_execution', stepUuid, { tool_response_delta: response });
  }
  yield event('step_end', 'tool_execution', stepUuid);
  steps.push({
    step_type: 'tool_execution',
    uuid: stepUuid,
    tool_calls: [...calls],
    tool_responses: responses,
  });
  return responses;
}
