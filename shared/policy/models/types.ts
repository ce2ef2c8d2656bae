/**
 * The extract of the AWS API models (shared/policy/models/aws-models.json), as written by
 * scripts/models-update.ts: per service the operations the pack triggers on and the shapes they
 * reach, plus key trees of CloudFormation and EventBridge schema-registry schemas.
 */

/** Where the extract lives, relative to the repository root. */
export const MODELS_FILE = 'shared/policy/models/aws-models.json';

/** A member of a structure (or the element of a list). */
export interface ShapeMember {
  /** Shape id. */
  s: string;
  /** HTTP binding: URI label, header, prefix headers, query string, payload. */
  loc?: 'uri' | 'header' | 'headers' | 'querystring' | 'payload';
  /** Wire name (XML element, JSON name, header or query name). */
  ln?: string;
  /** XML flattened list. */
  fl?: true;
}

/** A shape: structure, list, map or scalar (`t` is the scalar type then). */
export interface Shape {
  t: string;
  /** Structure members, or the list element. */
  m?: Record<string, ShapeMember> | ShapeMember;
  /** Required members of a structure. */
  req?: string[];
  /** Map value shape id. */
  v?: string;
  fl?: true;
}

/** One service: its protocol and the input/output shape of each operation kept. */
export interface ServiceModel {
  host: string;
  protocol: string;
  /** `@aws-sdk/client-s3@3.1178.0` */
  source: string;
  ops: Record<string, { in: string; out: string }>;
  shapes: Record<string, Shape>;
}

/**
 * A tree of known keys: `{key: subtree}`, `'[]'` for a list element, `'{}'` for any key of a map;
 * a string is a scalar's type, `true` any value.
 */
export type KeyTree = string | true | { [key: string]: KeyTree };

export interface ModelExtract {
  $comment: string;
  license: string;
  /** Package -> version the extract was generated from. */
  generatedFrom: Record<string, string>;
  services: Record<string, ServiceModel>;
  /** `cfn:AWS::ECR::Repository`, `event:aws.guardduty@GuardDutyFinding` -> key tree. */
  trees: Record<string, KeyTree>;
}
