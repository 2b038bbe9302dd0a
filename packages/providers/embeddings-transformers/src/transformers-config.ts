// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { hubModelConfigFields, sampleHubModelConfig } from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';

/** ONNX weight variants transformers.js can load: `onnx/model<suffix>.onnx`. */
export const OnnxDtype = z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']);
export type OnnxDtype = z.infer<typeof OnnxDtype>;

/** The file transformers.js reads for each dtype, under the model's `onnx/` folder. */
export const onnxFileOfDtype: Record<OnnxDtype, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
  bnb4: 'onnx/model_bnb4.onnx',
};

export const TransformersConfig = z
  .object({
    ...hubModelConfigFields,
    hub_url: hubModelConfigFields.hub_url.describe(
      'The Hugging Face hub (or a mirror) hub models are downloaded from. Default https://huggingface.co. ' +
        'transformers.js keeps it process-wide (env.remoteHost), so every provider in a process shares one.',
    ),
    dtype: OnnxDtype.default('q8').describe(
      'Which ONNX weights to load (onnx/model_quantized.onnx for q8, onnx/model.onnx for fp32, …). Default q8: ' +
        '4x smaller and faster on CPU, as transformers.js v2 did. A model may override it with metadata.dtype.',
    ),
    device: z
      .enum(['cpu', 'cuda'])
      .default('cpu')
      .describe("onnxruntime execution provider. Default cpu; cuda needs onnxruntime-node's CUDA binaries."),
    threads: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "onnxruntime intra-op threads per model. Default: onnxruntime's choice (the physical cores).",
      ),
    max_batch_size: z
      .number()
      .int()
      .positive()
      .default(32)
      .describe('Texts per forward pass; a longer request is split into several passes. Default 32.'),
  })
  .strict()
  .meta({ id: 'TransformersConfig' });
export type TransformersConfig = z.infer<typeof TransformersConfig>;
export type TransformersConfigInput = z.input<typeof TransformersConfig>;

/** A config for `distribution.yaml` templates, every setting overridable from the environment. */
export function sampleTransformersConfig(_dataDir: string): Record<string, unknown> {
  return {
    ...sampleHubModelConfig(),
    dtype: '${env.LLAMA_STACK_TS_EMBEDDING_DTYPE:=q8}',
  };
}
