import { describe, expect, it } from 'vitest';
import { distributedTraining, tuningDefinitions } from '../../../../shared/policy/functions/sagemaker.js';
import { loadJson, type Json } from '../../../helpers/fixtures.js';

describe('Function: tuningDefinitions', () => {
  it('returns every entry of trainingJobDefinitions', () => {
    // Prepare
    const req = loadJson<Json>('events/cloudtrail/sagemaker-create-tuning-job-open.json').detail.requestParameters;

    // Act
    const defs = tuningDefinitions(req);

    // Assess
    expect(defs.map((d) => d.definitionName)).toEqual(['xgb', 'lgbm']);
  });

  it('returns the single trainingJobDefinition', () => {
    // Prepare
    const req = loadJson<Json>('events/cloudtrail/sagemaker-create-tuning-job-compliant.json').detail.requestParameters;

    // Act + Assess
    expect(tuningDefinitions(req)).toHaveLength(1);
    expect(tuningDefinitions({})).toEqual([]);
  });
});

describe('Function: distributedTraining', () => {
  it('counts instances of resourceConfig, instance groups and processing clusters', () => {
    expect(distributedTraining({ resourceConfig: { instanceCount: 2 } })).toBe(true);
    expect(
      distributedTraining({ resourceConfig: { instanceGroups: [{ instanceCount: 1 }, { instanceCount: 1 }] } }),
    ).toBe(true);
    expect(distributedTraining({ processingResources: { clusterConfig: { instanceCount: 4 } } })).toBe(true);
    expect(distributedTraining({ hyperParameterTuningResourceConfig: { instanceCount: 3 } })).toBe(true);
  });

  it('is false for one instance or no resource configuration', () => {
    expect(distributedTraining({ resourceConfig: { instanceCount: 1 } })).toBe(false);
    expect(distributedTraining({})).toBe(false);
    expect(distributedTraining('nope')).toBe(false);
  });
});
