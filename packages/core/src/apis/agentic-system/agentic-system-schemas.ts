import { z } from 'zod';
import {
  JsonObject,
  Message,
  ModelId,
  SafetyViolation,
  SamplingParams,
  ShieldConfig,
  StopReason,
  ToolCall,
  ToolDefinition,
  ToolResponse,
} from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';
import { ToolChoice } from '../inference/inference-schemas.js';
import { MemoryBankDocument } from '../memory-banks/memory-banks-schemas.js';

/**
 * Wire types of the AgenticSystem API (`api_definitions.py` and `agentic_system_types.py` of the
 * July 2024 draft). Fields with a default in the draft's dataclasses are optional on input.
 */

export const ExecutionStepType = z
  .enum(['model_inference', 'tool_execution', 'safety_filtering', 'memory_retrieval'])
  .meta({ id: 'ExecutionStepType', description: 'The kind of an execution step.' });
export type ExecutionStepType = z.infer<typeof ExecutionStepType>;

const StepUuid = identifier('must be a non-empty step id');

/** The id of an agent: the `agent_uuid` that `/agentic_system/create` answers with. */
export const AgentUuid = identifier('must name an agent (the agent_uuid of /agentic_system/create)');

export const ModelInferenceStep = z
  .object({
    step_type: z.literal('model_inference'),
    uuid: StepUuid,
    text: z.string().describe('What the model generated in this step.'),
    logprobs: JsonObject.nullish(),
  })
  .meta({ id: 'ModelInferenceStep' });
export type ModelInferenceStep = z.infer<typeof ModelInferenceStep>;

export const ToolExecutionStep = z
  .object({
    step_type: z.literal('tool_execution'),
    uuid: StepUuid,
    tool_calls: z.array(ToolCall).describe('The calls run in this step; several may run in parallel.'),
    tool_responses: z.array(ToolResponse),
  })
  .meta({ id: 'ToolExecutionStep' });
export type ToolExecutionStep = z.infer<typeof ToolExecutionStep>;

export const SafetyFilteringStep = z
  .object({
    step_type: z.literal('safety_filtering'),
    uuid: StepUuid,
    violation: SafetyViolation.nullish().describe('Absent when the shields let the content through.'),
  })
  .meta({ id: 'SafetyFilteringStep' });
export type SafetyFilteringStep = z.infer<typeof SafetyFilteringStep>;

export const MemoryRetrievalStep = z
  .object({
    step_type: z.literal('memory_retrieval'),
    uuid: StepUuid,
    documents: z.array(MemoryBankDocument),
    scores: z.array(z.number()).describe('One relevance score per document, in the same order.'),
  })
  .meta({ id: 'MemoryRetrievalStep' });
export type MemoryRetrievalStep = z.infer<typeof MemoryRetrievalStep>;

export const ExecutionStep = z
  .discriminatedUnion('step_type', [
    ModelInferenceStep,
    ToolExecutionStep,
    SafetyFilteringStep,
    MemoryRetrievalStep,
  ])
  .meta({ id: 'ExecutionStep', description: 'One step of a turn, told apart by `step_type`.' });
export type ExecutionStep = z.infer<typeof ExecutionStep>;

export const AgenticSystemTurn = z
  .object({
    user_messages: z.array(Message),
    steps: z.array(ExecutionStep),
    response_message: Message,
  })
  .meta({ id: 'AgenticSystemTurn', description: 'One turn of an interaction with an agentic system.' });
export type AgenticSystemTurn = z.infer<typeof AgenticSystemTurn>;
export type AgenticSystemTurnInput = z.input<typeof AgenticSystemTurn>;

export const AgenticSystemCreateRequest = z
  .object({
    uuid: identifier('must be a non-empty agent id, or left out')
      .optional()
      .describe(
        'The id of the new agent. Required by the draft; here optional: the server generates one when absent ' +
          'and returns it as `agent_uuid`.',
      ),
    instructions: z.string().describe('The system prompt of the agent.'),
    model: ModelId.describe('A registered model id.'),
    available_tools: z
      .array(ToolDefinition)
      .default([])
      .describe('Built-in and custom tools the model may call.'),
    executable_tools: z
      .array(z.string().min(1))
      .default([])
      .superRefine((names, context) => {
        const seen = new Set<string>();
        names.forEach((name, index) => {
          if (seen.has(name)) {
            context.addIssue({
              code: 'custom',
              path: [index],
              message: `"${name}" is listed twice; list each tool once`,
            });
          }
          seen.add(name);
        });
      })
      .describe(
        'Names of the tools the agent runs itself (a set: each name once). Calls to the other tools are ' +
          'returned to the client, which runs them and sends the responses in the next turn.',
      ),
    memory_bank_uuids: z
      .array(identifier('must name a memory bank (its bank_uuid)'))
      .default([])
      .describe('Banks the agent retrieves from.'),
    input_shields: z.array(ShieldConfig).default([]).describe('Shields run on every user message.'),
    output_shields: z.array(ShieldConfig).default([]).describe('Shields run on every model answer.'),
    sampling_params: SamplingParams.prefault({}).describe(
      'How the model samples. An extension of the draft; the SamplingParams defaults (greedy) when absent.',
    ),
    tool_choice: ToolChoice.optional().describe(
      "Tool choice of the first inference of each turn ('auto' when absent; later inferences of the turn use 'auto'). An extension.",
    ),
    max_infer_iters: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Most model inferences in one turn; the provider config sets the default. An extension.'),
  })
  .meta({ id: 'AgenticSystemCreateRequest' });
export type AgenticSystemCreateRequest = z.infer<typeof AgenticSystemCreateRequest>;
export type AgenticSystemCreateRequestInput = z.input<typeof AgenticSystemCreateRequest>;

export const AgenticSystemCreateResponse = z
  .object({ agent_uuid: z.string() })
  .meta({ id: 'AgenticSystemCreateResponse' });
export type AgenticSystemCreateResponse = z.infer<typeof AgenticSystemCreateResponse>;

export const AgenticSystemExecuteRequest = z
  .object({
    agent_uuid: AgentUuid,
    messages: z.array(Message).min(1, 'must hold at least one message: the new user input of the turn'),
    turn_history: z
      .array(AgenticSystemTurn)
      .default([])
      .describe('Earlier turns of the conversation, oldest first. Default [].'),
    stream: z.boolean().default(false).describe('Answer with a stream of step events instead of one turn.'),
  })
  .meta({ id: 'AgenticSystemExecuteRequest' });
export type AgenticSystemExecuteRequest = z.infer<typeof AgenticSystemExecuteRequest>;
export type AgenticSystemExecuteRequestInput = z.input<typeof AgenticSystemExecuteRequest>;

export const AgenticSystemExecuteResponse = z
  .object({ turn: AgenticSystemTurn })
  .meta({ id: 'AgenticSystemExecuteResponse', description: 'The non-streamed answer: the whole turn.' });
export type AgenticSystemExecuteResponse = z.infer<typeof AgenticSystemExecuteResponse>;

export const AgenticSystemExecuteResponseEventType = z
  .enum(['step_start', 'step_progress', 'step_end'])
  .meta({ id: 'AgenticSystemExecuteResponseEventType' });
export type AgenticSystemExecuteResponseEventType = z.infer<typeof AgenticSystemExecuteResponseEventType>;

export const AgenticSystemExecuteResponseStreamChunk = z
  .object({
    event_type: AgenticSystemExecuteResponseEventType,
    step_uuid: z.string(),
    step_type: ExecutionStepType,
    violation: SafetyViolation.nullish(),
    tool_call: ToolCall.nullish(),
    tool_response_delta: ToolResponse.nullish(),
    response_text_delta: z.string().nullish(),
    retrieved_document: MemoryBankDocument.nullish(),
    stop_reason: StopReason.nullish(),
  })
  .meta({
    id: 'AgenticSystemExecuteResponseStreamChunk',
    description: 'One event of a streamed turn: a step starts, progresses (with a delta) or ends.',
  });
export type AgenticSystemExecuteResponseStreamChunk = z.infer<typeof AgenticSystemExecuteResponseStreamChunk>;

export const DeleteAgenticSystemRequest = z.object({
  agent_id: identifier('must name an agent (its agent_uuid)'),
});
export type DeleteAgenticSystemRequest = z.infer<typeof DeleteAgenticSystemRequest>;
