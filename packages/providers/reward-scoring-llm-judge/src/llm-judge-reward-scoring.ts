import {
  BatchChatCompletionRequest,
  type ChatCompletionResponse,
  InvalidRequestError,
  type Model,
  NotFoundError,
  type RequestOptions,
  type RewardScoring,
  type RewardScoringRequest,
  type RewardScoringResponse,
  StackError,
  type TextGenerationInference,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { expectedScore } from './expected-score.js';
import { judgeSettingNames, LlmJudgeConfig } from './llm-judge-config.js';
import { renderJudgePrompt } from './render-judge-prompt.js';
import { scoreGrammar } from './score-grammar.js';

/** A reward model this provider serves: the llm that judges, and how. */
interface Judge {
  judgeModel: string;
  settings: LlmJudgeConfig;
}

export interface LlmJudgeRewardScoringOptions {
  config: LlmJudgeConfig;
  /** The stack's inference API (its router), which serves the judge models. */
  inference: Pick<TextGenerationInference, 'batchChatCompletion'>;
  /** The reward models registered with this provider at start-up. */
  models: readonly Model[];
}

/**
 * `inline::llm-judge`: a reward model is an llm (its `provider_resource_id`, a model id the
 * inference API serves) reading a rubric. Each answer becomes one greedy chat request whose output
 * a GBNF grammar limits to one digit of the rubric's range, so the score is a number in range
 * whatever the model; where the provider returns log probabilities, the score is the expected
 * digit under them. A call's answers go out as one batch, which the inference provider spreads
 * over the judge model's parallel sequences.
 */
export class LlmJudgeRewardScoring implements RewardScoring {
  readonly #config: LlmJudgeConfig;
  readonly #inference: LlmJudgeRewardScoringOptions['inference'];
  readonly #judges = new Map<string, Judge>();

  constructor(options: LlmJudgeRewardScoringOptions) {
    this.#config = options.config;
    this.#inference = options.inference;
    for (const model of options.models) this.addModel(model);
  }

  /** Serves a reward model; its metadata's bad rubric, min_score or max_score throws naming the field. */
  addModel(model: Model): void {
    if (model.model_type !== 'reward') {
      throw new InvalidRequestError(
        'model_type',
        `model '${model.identifier}' is ${model.model_type}; inline::llm-judge serves reward models only. Set model_type: reward and provider_model_id to the llm that judges.`,
      );
    }
    const overrides = Object.fromEntries(
      judgeSettingNames
        .filter((name) => model.metadata[name] !== undefined)
        .map((name) => [name, model.metadata[name]]),
    );
    const parsed = LlmJudgeConfig.safeParse({ ...this.#config, ...overrides });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidRequestError(
        `metadata.${issue?.path.join('.') ?? ''}`,
        `reward model '${model.identifier}': ${issue?.message ?? 'invalid'}`,
      );
    }
    this.#judges.set(model.identifier, { judgeModel: model.provider_resource_id, settings: parsed.data });
  }

  async score(request: RewardScoringRequest, options: RequestOptions = {}): Promise<RewardScoringResponse> {
    const judge = this.#judges.get(request.model);
    if (!judge) {
      throw new NotFoundError(
        'model',
        request.model,
        'It is not a reward model of this inline::llm-judge provider.',
      );
    }
    const { settings } = judge;
    const answers = request.prompt_generations.flatMap((prompt) =>
      prompt.k_generations.map((generation) => renderJudgePrompt(settings, prompt.dialog, generation)),
    );
    const responses = await this.#inference.batchChatCompletion(
      BatchChatCompletionRequest.parse({
        model: judge.judgeModel,
        batch_messages: answers,
        sampling_params: { strategy: 'greedy' },
        // The grammar allows one digit, so the first token is the score: decoding it to read the end would only cost a decode.
        max_tokens: 1,
        logprobs: { top_k: settings.max_score - settings.min_score + 1 },
        response_format: { type: 'grammar', bnf: scoreGrammar(settings.min_score, settings.max_score) },
      }),
      options,
    );
    let next = 0;
    return {
      scored_generations: request.prompt_generations.map((prompt) => ({
        prompt: prompt.dialog.message,
        k_scored_generations: prompt.k_generations.map((message) => ({
          message,
          score: this.#scoreOf(request.model, judge, responses[next++]),
        })),
      })),
    };
  }

  #scoreOf(rewardModel: string, judge: Judge, response: ChatCompletionResponse | undefined): number {
    const { min_score: min, max_score: max } = judge.settings;
    const expected = expectedScore(response?.logprobs?.content[0], min, max);
    if (expected !== undefined) return expected;
    const text = response ? contentToText(response.content).trim() : '';
    const sampled = Number(text);
    if (/^\d$/.test(text) && sampled >= min && sampled <= max) return sampled;
    throw new StackError(
      502,
      'judge_unparseable',
      `Judge model '${judge.judgeModel}' of reward model '${rewardModel}' answered ${JSON.stringify(text)}, not a score from ${min} to ${max}. ` +
        'Check that its inference provider honours grammar response formats.',
    );
  }
}
