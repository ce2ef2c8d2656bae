import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS, renderChatbot } from '../../../shared/notify/chatbot.js';
import { alertFacts } from '../../../shared/notify/facts.js';
import { nextTransition, openedTransition, shippedCatalog } from './support.js';

describe('Function: renderChatbot', () => {
  it('renders the custom-notification schema, threaded by drift id, with the runbook as next steps', async () => {
    // Prepare
    const facts = alertFacts(openedTransition(), await shippedCatalog());
    // Act
    const n = renderChatbot(facts);
    // Assess
    expect(n.version).toBe('1.0');
    expect(n.source).toBe('custom');
    expect(n.content.textType).toBe('client-markdown');
    expect(n.content.title).toBe(':red_circle: Drift opened: Training job runs without network isolation');
    expect(n.content.description).toContain(
      '<https://console.aws.amazon.com/sagemaker/home?region=eu-west-1#/jobs/llm-finetune-jdoe-experiment-7|Open in the AWS console>',
    );
    expect(n.content.nextSteps?.[0]).toMatch(/^1\. Check the job/);
    expect(n.metadata?.threadId).toBe('d-34a2b91c569575ac4400');
    expect(n.metadata?.relatedResources).toEqual([
      'arn:aws:sagemaker:eu-west-1:111122223333:training-job/llm-finetune-jdoe-experiment-7',
    ]);
  });

  it('has no next steps for a resolved drift and stays within its bounds', async () => {
    // Prepare
    const t = nextTransition(openedTransition(), 'resolved', 1);
    t.record.resourceId = 'r'.repeat(10_000);
    // Act
    const n = renderChatbot(alertFacts(t, await shippedCatalog()));
    // Assess
    expect(n.content.nextSteps).toBeUndefined();
    expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(n.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
  });
});
