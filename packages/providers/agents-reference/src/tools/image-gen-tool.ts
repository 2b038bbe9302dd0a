import type { Attachment } from '@llama-stack-ts/core';
import { loadApiKey } from '@llama-stack-ts/provider-utils';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { fetchToolJson } from './fetch-tool-json.js';
import { stringArgument, ToolExecutionError, type ToolExecutor } from './tool-executor.js';

/**
 * `image_gen` through an OpenAI-compatible `/v1/images/generations` endpoint (key:
 * `tools.image_gen.api_key`, IMAGE_GEN_API_KEY or OPENAI_API_KEY). Answers the image as an
 * attachment: a data: URL when the endpoint returns base64, else the URL it returns.
 */
export function createImageGenTool(
  config: AgentsReferenceConfig['tools']['image_gen'],
  environment: Record<string, string | undefined> = process.env,
): ToolExecutor {
  return async function runImageGenTool(call, { signal }) {
    const prompt = stringArgument(call, ['prompt', 'query']);
    const apiKey = loadApiKey({
      apiKey: config.api_key ?? environment.IMAGE_GEN_API_KEY,
      environmentVariableName: 'OPENAI_API_KEY',
      description: 'Image generation',
      optionName: 'tools.image_gen.api_key (or IMAGE_GEN_API_KEY)',
      environment,
    });
    const body = (await fetchToolJson('image_gen', config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model: config.model,
        prompt,
        n: 1,
        size: config.size,
        response_format: 'b64_json',
      }),
      signal,
      timeoutMs: 120_000,
    })) as { data?: { b64_json?: string; url?: string }[] };
    const image = body.data?.[0];
    const attachment: Attachment | undefined = image?.b64_json
      ? { url: `data:image/png;base64,${image.b64_json}`, mime_type: 'image/png' }
      : image?.url
        ? { url: image.url, mime_type: 'image/png' }
        : undefined;
    if (!attachment) throw new ToolExecutionError('image_gen', 'the images endpoint answered with no image');
    return [attachment];
  };
}
