import { allRoutes, apiNames } from '@llama-stack-ts/core';
import { formatTable } from './format-table.js';

const apiDescriptions: Readonly<Record<string, string>> = {
  models: 'The models the distribution registers (served by every stack).',
  inference: 'Completions, chat completions (streamed or not), batches and embeddings.',
  safety: 'Shields that check messages: Llama Guard, Prompt Guard, code scanning.',
  agentic_system: 'Agents: turns that loop over inference, tools, memory retrieval and shields.',
  memory_banks: 'Document banks agents retrieve from: create, insert, query, delete.',
  reward_scoring: 'Score dialogs with a reward model.',
  synthetic_data_generation: 'Generate and filter synthetic dialogs.',
  datasets: 'Register and fetch datasets for training and evaluation.',
  post_training: 'Fine-tuning jobs (SFT, preference optimisation): start, status, logs, artifacts.',
  batch_inference: 'Inference over a JSONL file of requests, as a job.',
};

/** `llama-stack-ts list-apis`. */
export async function listApisCommand(options: { routes?: boolean }): Promise<void> {
  const apis = ['models', ...apiNames];
  if (options.routes) {
    const rows = allRoutes
      .slice()
      .sort((left, right) => apis.indexOf(left.api) - apis.indexOf(right.api))
      .map((route) => [
        route.api,
        route.method,
        route.path,
        `${route.operation}${route.streamOperation ? ` / ${route.streamOperation}` : ''}${route.experimental ? ' (experimental)' : ''}`,
      ]);
    process.stdout.write(formatTable(['API', 'METHOD', 'PATH', 'OPERATION'], rows));
    return;
  }
  const rows = apis.map((api) => [
    api,
    String(allRoutes.filter((route) => route.api === api).length),
    apiDescriptions[api] ?? '',
  ]);
  process.stdout.write(formatTable(['API', 'ROUTES', 'DESCRIPTION'], rows));
  process.stdout.write(
    '\nA distribution.yaml serves an API by naming a provider under providers.<api>; see list-providers.\n',
  );
}
