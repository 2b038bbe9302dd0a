/**
 * Cosine decay from `lr` at step 0 to `lrMin` at `totalSteps`, after `warmupSteps` of linear
 * warm-up from 0; `step` counts optimizer steps from 0.
 */
export function cosineLearningRate(
  step: number,
  {
    lr,
    lrMin,
    totalSteps,
    warmupSteps = 0,
  }: { lr: number; lrMin: number; totalSteps: number; warmupSteps?: number },
): number {
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps - 1);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * progress));
}
