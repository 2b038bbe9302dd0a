import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface StackMetricsOptions {
  /**
   * The registry to put the metrics in. Default: a new `Registry`, so two apps in one process (or a
   * host app with its own metrics) never collide on a name.
   */
  registry?: Registry;
  /** Prefix of every metric name. Default `llama_stack_`. */
  prefix?: string;
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC). Default `true`. */
  collectDefaultMetrics?: boolean;
}

/** Seconds: from a cache hit on a tiny model to a long generation on 2 CPU cores. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds per generated token: 1 ms (GPU) to 2 s (a large model on a busy CPU). */
const perTokenBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2];

/**
 * The Prometheus metrics the server keeps, in one registry: HTTP requests by route and status,
 * and for inference calls the tokens in and out, how many calls are in flight (the queue depth as
 * the server sees it: queued in a provider or running), time to first token and time per output
 * token. `metricsMiddleware` fills the HTTP ones, `instrumentInference` the inference ones.
 *
 * Labels are bounded on purpose: routes are route patterns, models are only those that answered
 * (an unknown model id sent by a client never becomes a label value).
 */
export class StackMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpRequestDuration: Histogram<'method' | 'route'>;
  readonly inferenceRequests: Counter<'operation' | 'model' | 'outcome'>;
  readonly inferenceDuration: Histogram<'operation' | 'model'>;
  readonly inferenceInFlight: Gauge<'operation'>;
  readonly promptTokens: Counter<'model'>;
  readonly generatedTokens: Counter<'model'>;
  readonly timeToFirstToken: Histogram<'model'>;
  readonly timePerOutputToken: Histogram<'model'>;

  constructor(options: StackMetricsOptions = {}) {
    const {
      registry = new Registry(),
      prefix = 'llama_stack_',
      collectDefaultMetrics: withDefaults = true,
    } = options;
    this.registry = registry;
    const registers = [registry];
    if (withDefaults) collectDefaultMetrics({ register: registry, prefix });

    this.httpRequests = new Counter({
      name: `${prefix}http_requests_total`,
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'Time until the response started (for a stream: until its first event), by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: latencyBuckets,
      registers,
    });
    this.inferenceRequests = new Counter({
      name: `${prefix}inference_requests_total`,
      help: "Inference calls, by operation, model and outcome ('ok', or the error code; model 'unknown' when the call failed).",
      labelNames: ['operation', 'model', 'outcome'],
      registers,
    });
    this.inferenceDuration = new Histogram({
      name: `${prefix}inference_duration_seconds`,
      help: 'Time an inference call took, queueing included (for a stream: until its last chunk).',
      labelNames: ['operation', 'model'],
      buckets: latencyBuckets,
      registers,
    });
    this.inferenceInFlight = new Gauge({
      name: `${prefix}inference_queue_depth`,
      help: 'Inference calls started and not finished: waiting in a provider queue or generating.',
      labelNames: ['operation'],
      registers,
    });
    this.promptTokens = new Counter({
      name: `${prefix}inference_prompt_tokens_total`,
      help: 'Prompt tokens read, by model (as the providers report them).',
      labelNames: ['model'],
      registers,
    });
    this.generatedTokens = new Counter({
      name: `${prefix}inference_generated_tokens_total`,
      help: 'Tokens generated, by model.',
      labelNames: ['model'],
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: `${prefix}inference_time_to_first_token_seconds`,
      help: 'Streamed calls: time from the call to its first generated text, queueing included.',
      labelNames: ['model'],
      buckets: latencyBuckets,
      registers,
    });
    this.timePerOutputToken = new Histogram({
      name: `${prefix}inference_time_per_output_token_seconds`,
      help: 'Streamed calls: time between generated tokens after the first (one observation per streamed chunk).',
      labelNames: ['model'],
      buckets: perTokenBuckets,
      registers,
    });
  }

  /** The exposition text (`text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
