// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { upstreamCallConfigFields } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';

export const RemoteTgiConfig = z.object({
  url: z
    .string()
    .url('must be an http(s) URL such as http://127.0.0.1:8080')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe('Where the TGI server listens (its /generate, /generate_stream, /tokenize and /info).'),
  api_key: z
    .string()
    .optional()
    .describe(
      'Sent as `Authorization: Bearer` (a Hugging Face endpoint token); empty sends none. Never logged.',
    ),
  model_id: z
    .string()
    .optional()
    .describe(
      "The id clients send as `model`. Default: the model_id the server's /info reports. Models under the manifest `models:` are served too (a TGI server runs one model).",
    ),
  ...upstreamCallConfigFields,
});
export type RemoteTgiConfig = z.output<typeof RemoteTgiConfig>;

export function sampleRemoteTgiConfig(): Record<string, unknown> {
  return { url: '${env.TGI_URL:=http://127.0.0.1:8080}', api_key: '${env.TGI_API_KEY:=}' };
}
