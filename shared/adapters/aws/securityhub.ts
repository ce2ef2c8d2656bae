import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  type AwsSecurityFinding,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Outbound } from '../../notify/index.js';
import { DeliveryError } from '../../notify/index.js';

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    throw new DeliveryError('securityhub', `${what} failed: ${name}`, { cause: err, status: name });
  }
}

/**
 * Imports a drift finding with BatchImportFindings, then, when the transition sets a workflow
 * status (RESOLVED, SUPPRESSED, NEW on reopen), applies it with BatchUpdateFindings: Security Hub
 * ignores `Workflow` in an import once the finding exists. A finding Security Hub refuses fails
 * the send (so it is retried, then kept in the dead-letter queue).
 * @example dispatcher.securityhub = createSecurityHubSender(new SecurityHubClient({}))
 */
export function createSecurityHubSender(client: SecurityHubClient): (m: Outbound<'securityhub'>) => Promise<void> {
  return async (m) => {
    const { finding, workflowStatus } = m.payload;
    const imported = await call('BatchImportFindings', () =>
      client.send(new BatchImportFindingsCommand({ Findings: [finding as AwsSecurityFinding] })),
    );
    if ((imported.FailedCount ?? 0) > 0) {
      const f = imported.FailedFindings?.[0];
      throw new DeliveryError(
        'securityhub',
        `BatchImportFindings refused ${finding.Id}: ${f?.ErrorCode ?? 'unknown'} ${f?.ErrorMessage ?? ''}`.trim(),
        { status: f?.ErrorCode },
      );
    }
    if (!workflowStatus) return;
    const updated = await call('BatchUpdateFindings', () =>
      client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: finding.Id, ProductArn: finding.ProductArn }],
          Workflow: { Status: workflowStatus },
          Note: {
            Text: `tpguard: drift ${finding.ProductFields['tpguard/Transition'] ?? ''} (event ${finding.ProductFields['tpguard/EventId'] ?? ''})`.slice(
              0,
              512,
            ),
            UpdatedBy: 'tpguard',
          },
        }),
      ),
    );
    const u = updated.UnprocessedFindings?.[0];
    if (u)
      throw new DeliveryError(
        'securityhub',
        `BatchUpdateFindings refused ${finding.Id}: ${u.ErrorCode ?? 'unknown'} ${u.ErrorMessage ?? ''}`.trim(),
        { status: u.ErrorCode },
      );
  };
}
