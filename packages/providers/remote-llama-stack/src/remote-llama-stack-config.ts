// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { upstreamCallConfigFields } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';

export const RemoteLlamaStackConfig = z.object({
  base_url: z
    .string()
    .url('must be an http(s) URL such as http://127.0.0.1:8321')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe("The upstream llama-stack-ts server's URL, without a path (http://127.0.0.1:8321)."),
  api_key: z
    .string()
    .optional()
    .describe(
      "Sent as `Authorization: Bearer` (the upstream's `server.auth_key`). Default: the LLAMA_STACK_API_KEY variable; neither sends none. Never logged.",
    ),
  ...upstreamCallConfigFields,
});
export type RemoteLlamaStackConfig = z.output<typeof RemoteLlamaStackConfig>;

export function sampleRemoteLlamaStackConfig(): Record<string, unknown> {
  return {
    base_url: '${env.LLAMA_STACK_URL:=http://127.0.0.1:8321}',
    api_key: '${env.LLAMA_STACK_API_KEY:=}',
  };
}
