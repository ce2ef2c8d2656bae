import { isRecord } from '../../kernel/index.js';

/**
 * Every training-job definition of a CreateHyperParameterTuningJob request:
 * `trainingJobDefinition` and each entry of `trainingJobDefinitions[]`.
 * @example tuningDefinitions({ trainingJobDefinitions: [a, b] }) // [a, b]
 */
export function tuningDefinitions(req: unknown): Record<string, unknown>[] {
  if (!isRecord(req)) return [];
  const out: Record<string, unknown>[] = [];
  if (isRecord(req.trainingJobDefinition)) out.push(req.trainingJobDefinition);
  if (Array.isArray(req.trainingJobDefinitions)) out.push(...req.trainingJobDefinitions.filter(isRecord));
  return out;
}

/**
 * True when a training job (or tuning definition) runs more than one container:
 * `resourceConfig.instanceCount` > 1, or heterogeneous `instanceGroups` adding up to more
 * than one instance (also `hyperParameterTuningResourceConfig` for tuning definitions).
 * @example distributedTraining({ resourceConfig: { instanceCount: 2 } }) // true
 */
export function distributedTraining(spec: unknown): boolean {
  if (!isRecord(spec)) return false;
  return [
    spec.resourceConfig,
    spec.hyperParameterTuningResourceConfig,
    isRecord(spec.processingResources) ? spec.processingResources.clusterConfig : undefined,
  ].some((rc) => instanceTotal(rc) > 1);
}

function instanceTotal(rc: unknown): number {
  if (!isRecord(rc)) return 0;
  const count = Number(rc.instanceCount ?? 0);
  const groups = Array.isArray(rc.instanceGroups)
    ? rc.instanceGroups
    : Array.isArray(rc.instanceConfigs)
      ? rc.instanceConfigs
      : [];
  const fromGroups = groups.reduce((n: number, g) => n + (isRecord(g) ? Number(g.instanceCount ?? 0) || 0 : 0), 0);
  return Math.max(Number.isFinite(count) ? count : 0, fromGroups);
}
