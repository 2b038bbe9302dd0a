// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { upstreamCallConfigFields } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';

/** A list of ids, written as YAML list or as one comma-separated string (from one env variable). */
const idList = z
  .union([z.array(z.string()), z.string()])
  .default([])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value).map((id) => id.trim()).filter((id) => id !== ''),
  );

export const RemoteOpenAiConfig = z.object({
  base_url: z
    .string()
    .url('must be an http(s) URL such as http://127.0.0.1:8000/v1')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe("The upstream's OpenAI base URL, ending in /v1 (as the `openai` client's baseURL)."),
  api_key: z
    .string()
    .optional()
    .describe(
      'Sent as `Authorization: Bearer`. Default: the OPENAI_API_KEY variable; neither sends none (a local vLLM or llama.cpp server). Never logged.',
    ),
  models: idList.describe(
    'Upstream model ids to serve (a list, or one comma-separated string). Default empty: every model the upstream lists at /v1/models when the provider starts. Models under the manifest `models:` are served too.',
  ),
  embedding_models: idList.describe(
    'Which of the served ids are embedding models (the /v1/models list does not say). Default none.',
  ),
  ...upstreamCallConfigFields,
});
export type RemoteOpenAiConfig = z.output<typeof RemoteOpenAiConfig>;

export function sampleRemoteOpenAiConfig(): Record<string, unknown> {
  return {
    base_url: '${env.OPENAI_BASE_URL:=https://api.openai.com/v1}',
    api_key: '${env.OPENAI_API_KEY:=}',
    models: '${env.OPENAI_MODELS:=}',
    embedding_models: '${env.OPENAI_EMBEDDING_MODELS:=}',
  };
}
