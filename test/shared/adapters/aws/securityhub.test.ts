import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecurityHubSender } from '../../../../shared/adapters/aws/securityhub.js';
import { renderFinding, validateFinding } from '../../../../shared/notify/index.js';
import type { Outbound } from '../../../../shared/notify/index.js';
import { DeliveryError } from '../../../../shared/notify/index.js';
import { alertFacts } from '../../../../shared/notify/index.js';
import { nextTransition, openedTransition, shippedCatalog } from '../../notify/support.js';

const hub = mockClient(SecurityHubClient);
const TARGET = { account: '111122223333', region: 'eu-west-1' };

afterEach(() => {
  hub.reset();
});

async function message(kind: 'opened' | 'resolved'): Promise<Outbound<'securityhub'>> {
  const t = kind === 'opened' ? openedTransition() : nextTransition(openedTransition(), 'resolved', 1);
  return {
    channel: 'securityhub',
    kind,
    owner: 'nlp',
    to: [],
    payload: renderFinding(alertFacts(t, await shippedCatalog()), TARGET),
  };
}

describe('Function: createSecurityHubSender', () => {
  it('imports an opened drift with BatchImportFindings only', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const m = await message('opened');
    // Act
    await createSecurityHubSender(new SecurityHubClient({ region: 'eu-west-1' }))(m);
    // Assess
    const findings = hub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings!;
    expect(findings).toHaveLength(1);
    expect(validateFinding(m.payload.finding)).toEqual([]);
    expect(findings[0]).toMatchObject({
      RecordState: 'ACTIVE',
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
    });
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
  });

  it('archives a resolved drift, then sets Workflow RESOLVED with BatchUpdateFindings on the same finding', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const m = await message('resolved');
    // Act
    await createSecurityHubSender(new SecurityHubClient({ region: 'eu-west-1' }))(m);
    // Assess
    expect(hub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings![0]).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
    });
    const update = hub.commandCalls(BatchUpdateFindingsCommand)[0]!.args[0].input;
    expect(update.FindingIdentifiers).toEqual([
      {
        Id: m.payload.finding.Id,
        ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      },
    ]);
    expect(update.Workflow).toEqual({ Status: 'RESOLVED' });
  });

  it('fails the send when Security Hub refuses the finding', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [{ Id: 'x', ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' }],
    });
    // Act
    const err = await createSecurityHubSender(new SecurityHubClient({ region: 'eu-west-1' }))(
      await message('opened'),
    ).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as Error).message).toMatch(
      /^securityhub: BatchImportFindings refused tpguard\/111122223333\/eu-west-1\/TPS-SM-01\/.+: InvalidInput Finding does not adhere to ASFF$/,
    );
  });
});
