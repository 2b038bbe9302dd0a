/** The onnxruntime session options transformers.js passes through (`session_options`), as set here. */
export interface OnnxSessionOptions {
  logSeverityLevel: 3;
  extra: { session: { intra_op: { allow_spinning: '0' }; inter_op: { allow_spinning: '0' } } };
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
}

/**
 * How every transformers.js model of the stack runs its ONNX session: warnings only (onnxruntime's
 * info lines about graph optimizations would flood the log), and pool threads that sleep between
 * passes instead of spinning, so they leave the cores llama.cpp, LanceDB and the tokenizer thread
 * share (bench/memory (a): 0.81-0.89 of raw with spinning, 0.97 without). `threads` caps the
 * intra-op threads; default onnxruntime's choice (the physical cores).
 */
export function onnxSessionOptions(threads?: number): OnnxSessionOptions {
  return {
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  };
}
