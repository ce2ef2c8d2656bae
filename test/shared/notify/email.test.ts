import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailSubject, MAX_SUBJECT, renderEmail } from '../../../shared/notify/email.js';
import { alertFacts } from '../../../shared/notify/facts.js';
import { nextTransition, openedTransition, shippedCatalog } from './support.js';

describe('Function: renderEmail', () => {
  it('tells what, where, who, when, why it matters, what to do and links the console', async () => {
    // Prepare
    const facts = alertFacts(openedTransition(), await shippedCatalog());
    // Act
    const { subject, text, attributes } = renderEmail(facts);
    // Assess
    expect(subject).toBe(
      'llm-finetune-jdoe-experiment-7: HIGH TPS-SM-01 drift opened: Training job runs without... [tpguard]',
    );
    expect(text).toContain('What:     TPS-SM-01 Training job runs without network isolation (severity high)');
    expect(text).toContain('Where:    account 111122223333, region eu-west-1');
    expect(text).toContain('arn:aws:sagemaker:eu-west-1:111122223333:training-job/llm-finetune-jdoe-experiment-7');
    expect(text).toContain('Who:      arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe');
    expect(text).toContain('When:     2026-11-02T09:47:05.000Z');
    expect(text).toMatch(/Controls: CSA AICM MDS-01; ISO\/IEC 42001 A\.6\.1\.3; EU AI Act Art\.15\(5\)/);
    expect(text).toMatch(/Threats: +MITRE ATLAS AML\.T0025, AML\.T0010; OWASP LLM02:2025, ML05/);
    expect(text).toContain('  1. Check the job: aws sagemaker describe-training-job');
    expect(text).toContain(
      'Open in the AWS console: https://console.aws.amazon.com/sagemaker/home?region=eu-west-1#/jobs/llm-finetune-jdoe-experiment-7',
    );
    expect(attributes).toEqual({ owner: 'nlp', severity: 'high', ruleId: 'TPS-SM-01', transition: 'opened' });
  });

  it('says who fixed it and leaves the runbook out when the drift is resolved', async () => {
    // Prepare
    const resolved = nextTransition(openedTransition(), 'resolved', 2, {
      resolvedBy: 'arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/run-42',
    });
    // Act
    const { subject, text } = renderEmail(alertFacts(resolved, await shippedCatalog()));
    // Assess
    expect(subject).toContain('TPS-SM-01 drift resolved');
    expect(text).toContain(
      'Resolved by arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/run-42 at 2026-11-02T11:47:05.000Z.',
    );
    expect(text).not.toContain('What to do');
  });
});

describe('Function: emailSubject', () => {
  it('keeps every subject within the SNS rules: ASCII, one line, under 100 characters, never empty', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (title) => {
        // Act
        const subject = emailSubject(`[tpguard] HIGH Drift opened: ${title}`);
        // Assess
        expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
        expect(subject).toMatch(/^[\x20-\x7e]+$/);
        expect(subject).not.toMatch(/^\s/);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces line breaks and non-ASCII characters instead of dropping the subject', () => {
    // Act
    const subject = emailSubject('bucket\r\nml-données 🚨');
    // Assess
    expect(subject).toBe('bucket ml-donn?es ?');
  });
});
