import * as tf from '@tensorflow/tfjs-core';
// The union package's Node bundle is the only build that registers tfjs-core's gradient functions
// under Node's ESM loader (tfjs-core's own register_all_gradients uses extensionless imports); it
// also brings the cpu backend.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * The TensorFlow.js backends the trainer can run on. `wasm` is the default: on this project's
 * loaded 2-core machine it ran GEMMs 1.4-20x, a small MLP training step 3-4x and stories260K LoRA
 * training 2.4x faster than `cpu` (bench/train). `tfjs-node` is not offered: it cannot install offline.
 */
export type TfjsBackendName = 'wasm' | 'cpu';

export const defaultTfjsBackend: TfjsBackendName = 'wasm';

/** Makes `name` the active backend (a process-wide setting in TensorFlow.js) and waits for it. */
export async function useTfjsBackend(name: TfjsBackendName = defaultTfjsBackend): Promise<void> {
  // Without PROD, TensorFlow.js prints an advert for tfjs-node on the first kernel call.
  tf.env().set('PROD', true);
  if (tf.getBackend() !== name && !(await tf.setBackend(name)))
    throw new Error(`the TensorFlow.js ${name} backend failed to initialize`);
  await tf.ready();
}

export { tf };
