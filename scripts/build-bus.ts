import { TPGUARD_EVENT_SOURCE } from '../shared/drift/index.js';
import type { GeneratedPattern } from '../shared/sources/index.js';
import { Access, logicalIds, type DeployedFunction } from './build-functions.js';
import { BUS_ARN, type CfnFragment, STATIC_IDS } from './build-stack.js';

/**
 * Who may put events on the two buses tpguard reads: its own bus (drift transitions, which the
 * notify function turns into alerts) and, with an organization, the central default bus.
 */

/**
 * Path of the forwarder role in member accounts (forwarder/serverless.yml): the organization
 * policy of the central bus accepts events only from roles under it.
 */
export const FORWARDER_ROLE_PATH = '/tpguard-forwarder/';

const role = (fn: DeployedFunction) => ({ 'Fn::GetAtt': [logicalIds(fn.key).role, 'Arn'] });

/**
 * The roles that may publish transitions: the functions with the `busPublish` access and, when
 * `operatorRoleArns` is set, the operators' roles (ARN patterns, comma-separated).
 */
function publishers(functions: readonly DeployedFunction[]): unknown {
  const roles = functions.filter((f) => f.access.includes(Access.busPublish)).map(role);
  const withOperators = {
    'Fn::Split': [',', { 'Fn::Join': [',', [...roles, { Ref: STATIC_IDS.operatorRolesParameter }]] }],
  };
  return { 'Fn::If': [STATIC_IDS.operatorRolesCondition, withOperators, roles] };
}

/**
 * The resource policy of the tpguard bus (an extension of `TpguardBus` in serverless.yml): only
 * the stack's publishing roles (and the configured operator roles) may put events on it, and only
 * with the `tpguard` source. Same-account callers are allowed by their IAM policies alone, so
 * the policy denies everyone else explicitly: a principal granted `events:PutEvents` on `*` can
 * no longer forge a `Drift Resolved`.
 * @example mergeFragments(..., tpguardBusPolicy(DEPLOYED_FUNCTIONS))
 */
export function tpguardBusPolicy(functions: readonly DeployedFunction[]): CfnFragment {
  const allowed = publishers(functions);
  const Policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StackPublishers',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
        Action: 'events:PutEvents',
        Resource: BUS_ARN,
        Condition: {
          ArnLike: { 'aws:PrincipalArn': allowed },
          StringEquals: { 'events:source': TPGUARD_EVENT_SOURCE },
        },
      },
      {
        Sid: 'DenyOtherPublishers',
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: BUS_ARN,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': allowed } },
      },
    ],
  };
  return { Resources: {}, extensions: { [STATIC_IDS.bus]: { Properties: { Policy } } } };
}

const unique = (xs: readonly string[]) => [...new Set(xs)].sort();

/**
 * The organization's permission on the central default bus (only with `organizationId`): the
 * forwarder roles of member accounts, and only the sources and detail types the generated
 * patterns match, so no principal of the organization can put anything else there.
 * @example mergeFragments(..., organizationBusPolicy(patterns))
 */
export function organizationBusPolicy(patterns: readonly GeneratedPattern[]): CfnFragment {
  const sources = unique(patterns.flatMap((p) => p.pattern.source as string[]));
  const detailTypes = unique(patterns.flatMap((p) => p.pattern['detail-type'] as string[]));
  return {
    Resources: {
      OrganizationBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Condition: STATIC_IDS.organizationCondition,
        Properties: {
          EventBusName: 'default',
          StatementId: `\${self:service}-\${sls:stage}-organization`,
          Statement: {
            Sid: 'OrganizationForwarders',
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: {
              'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
            },
            Condition: {
              StringEquals: {
                'aws:PrincipalOrgID': { Ref: STATIC_IDS.organizationParameter },
                'events:source': sources,
                'events:detail-type': detailTypes,
              },
              ArnLike: {
                'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role${FORWARDER_ROLE_PATH}*` },
              },
            },
          },
        },
      },
    },
  };
}
