import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASFF_LIMITS, defaultProductArn, renderFinding, validateFinding } from '../../../shared/notify/asff.js';
import { alertFacts, type AlertFacts } from '../../../shared/notify/facts.js';
import { nextTransition, openedTransition, shippedCatalog } from './support.js';

const TARGET = { account: '111122223333', region: 'eu-west-1' };

describe('Function: renderFinding', () => {
  it('imports an opened drift as an active, failed finding of the default product, severity in FindingProviderFields', async () => {
    // Prepare
    const facts = alertFacts(openedTransition(), await shippedCatalog());
    // Act
    const { finding, workflowStatus } = renderFinding(facts, TARGET);
    // Assess
    expect(validateFinding(finding)).toEqual([]);
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      Id: 'tpguard/111122223333/eu-west-1/TPS-SM-01/d-34a2b91c569575ac4400',
      GeneratorId: 'tpguard/TPS-SM-01',
      AwsAccountId: '111122223333',
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' } },
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      Resources: [
        {
          Type: 'Other',
          Id: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/llm-finetune-jdoe-experiment-7',
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
    });
    expect(finding.Compliance.RelatedRequirements).toContain('CSA AICM MDS-01');
    expect(finding.Remediation?.Recommendation.Text).toMatch(/^1\. Check the job/);
    expect(workflowStatus).toBeUndefined();
  });

  it('archives the same finding and marks it RESOLVED when the drift is resolved', async () => {
    // Prepare
    const catalog = await shippedCatalog();
    const opened = renderFinding(alertFacts(openedTransition(), catalog), TARGET).finding;
    // Act
    const { finding, workflowStatus } = renderFinding(
      alertFacts(nextTransition(openedTransition(), 'resolved', 1), catalog),
      TARGET,
    );
    // Assess
    expect(finding.Id).toBe(opened.Id);
    expect(finding.RecordState).toBe('ARCHIVED');
    expect(finding.Compliance.Status).toBe('PASSED');
    expect(finding.CreatedAt).toBe(opened.CreatedAt);
    expect(finding.UpdatedAt).toBe('2026-11-02T10:47:05.000Z');
    expect(workflowStatus).toBe('RESOLVED');
  });

  it('marks suppressed drift SUPPRESSED and re-opened drift NEW again', async () => {
    // Prepare
    const catalog = await shippedCatalog();
    // Act
    const suppressed = renderFinding(
      alertFacts(nextTransition(openedTransition(), 'suppressed', 1, { exceptionId: 'EX-7' }), catalog),
      TARGET,
    );
    const reopened = renderFinding(alertFacts(nextTransition(openedTransition(), 'reopened', 2), catalog), TARGET);
    // Assess
    expect(suppressed.workflowStatus).toBe('SUPPRESSED');
    expect(suppressed.finding.ProductFields['tpguard/ExceptionId']).toBe('EX-7');
    expect(reopened.workflowStatus).toBe('NEW');
    expect(reopened.finding.RecordState).toBe('ACTIVE');
  });

  it('keeps every documented field limit whatever the input sizes', async () => {
    // Prepare
    const base = alertFacts(openedTransition(), await shippedCatalog());
    const text = (n: number) => fc.string({ minLength: 1, maxLength: n });
    // Act + Assess
    fc.assert(
      fc.property(
        fc.record({
          title: text(2000),
          resourceId: text(3000),
          ruleId: text(600),
          driftId: text(600),
          description: text(5000),
          actor: text(4000),
          runbook: fc.array(text(1000), { maxLength: 20 }),
          controls: fc.array(text(100), { maxLength: 80 }),
        }),
        (patch) => {
          const { finding } = renderFinding({ ...base, ...patch } as AlertFacts, TARGET);
          expect(validateFinding(finding)).toEqual([]);
          expect(finding.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.title);
          expect(finding.Description.length).toBeLessThanOrEqual(ASFF_LIMITS.description);
          expect(finding.Id.length).toBeLessThanOrEqual(ASFF_LIMITS.id);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Function: validateFinding', () => {
  it('reports a title, description and id over the limits', async () => {
    // Prepare
    const { finding } = renderFinding(alertFacts(openedTransition(), await shippedCatalog()), TARGET);
    // Act
    const problems = validateFinding({
      ...finding,
      Title: 't'.repeat(257),
      Description: 'd'.repeat(1025),
      Id: 'i'.repeat(513),
    });
    // Assess
    expect(problems).toEqual([
      'Id: length 513 (allowed 1..512)',
      'Title: length 257 (allowed 1..256)',
      'Description: length 1025 (allowed 1..1024)',
    ]);
  });
});

describe('Function: defaultProductArn', () => {
  it('uses the partition of the region', () => {
    expect(defaultProductArn('111122223333', 'us-gov-west-1')).toBe(
      'arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default',
    );
  });
});
