/** Read-only helpers over a packaged CloudFormation template. */
export interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties, read at any depth by the template assertions
  Properties: Record<string, any>;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** The resources of one type, as `[logicalId, resource]` pairs. */
export function ofType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** A `Ref` or `Fn::GetAtt` to the logical id (optionally to one attribute). */
export function isRefTo(value: unknown, id: string, attribute?: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (attribute === undefined && v.Ref === id) return true;
  const att = v['Fn::GetAtt'];
  return Array.isArray(att) && att[0] === id && (attribute === undefined || att[1] === attribute);
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A value as granted when its `Fn::If` condition holds (the archive grants need `archiveBucket`); NoValue dropped. */
function whenSet<T>(value: T | { 'Fn::If': [string, T, unknown] }): T[] {
  const v = value as { 'Fn::If'?: [string, T, unknown]; Ref?: string };
  if (v && typeof v === 'object' && Array.isArray(v['Fn::If'])) return whenSet(v['Fn::If'][1]);
  if (v && typeof v === 'object' && v.Ref === 'AWS::NoValue') return [];
  return [value as T];
}

/** Every statement of every inline policy of an IAM role (conditional ones as granted when their condition holds). */
export function roleStatements(role: Resource): Statement[] {
  return asList(role.Properties.Policies as unknown[])
    .flatMap((p) => whenSet(p as { PolicyDocument: { Statement: Statement | Statement[] } }))
    .flatMap((p) => asList(p.PolicyDocument.Statement).flatMap((s) => whenSet(s)));
}

/** The IAM actions a role allows. */
export function allowedActions(role: Resource): Set<string> {
  return new Set(
    roleStatements(role)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => asList(s.Action)),
  );
}
