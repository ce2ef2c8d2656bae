import { describe, expect, it } from 'vitest';
import { s3AclIsPublic, s3Uris } from '../../../../shared/policy/functions/s3.js';
import { loadJson, type Json } from '../../../helpers/fixtures.js';

describe('Function: s3Uris', () => {
  it('collects every S3 URI of a training job request, once each', () => {
    // Prepare
    const req = loadJson<Json>('events/cloudtrail/sagemaker-create-training-job-open.json').detail.requestParameters;

    // Act
    const uris = s3Uris(req);

    // Assess
    expect(uris).toEqual([
      's3://ml-training-nlp-corpus/instruct-v3/train/',
      's3://ml-training-nlp-corpus/instruct-v3/val/',
      's3://jdoe-scratch-bucket/llm-out/',
      's3://jdoe-scratch-bucket/ckpt/',
    ]);
  });

  it('ignores strings that are not S3 URIs', () => {
    expect(s3Uris({ a: 'https://example.com/x', b: ['s3:/broken', 42, null] })).toEqual([]);
  });
});

describe('Function: s3AclIsPublic', () => {
  it('finds a grant to AllUsers in an AccessControlPolicy', () => {
    // Prepare
    const req = loadJson<Json>('events/cloudtrail/s3-put-bucket-acl-public-violation.json').detail.requestParameters;

    // Act + Assess
    expect(s3AclIsPublic(req)).toBe(true);
  });

  it('finds public canned ACLs and grant headers', () => {
    expect(s3AclIsPublic({ 'x-amz-acl': ['public-read'] })).toBe(true);
    expect(s3AclIsPublic({ 'x-amz-acl': 'authenticated-read' })).toBe(true);
    expect(
      s3AclIsPublic({ 'x-amz-grant-read': ['uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'] }),
    ).toBe(true);
  });

  it('passes private ACLs and grants to a canonical user', () => {
    expect(s3AclIsPublic({ 'x-amz-acl': ['private'] })).toBe(false);
    expect(
      s3AclIsPublic({
        AccessControlPolicy: { AccessControlList: { Grant: { Grantee: { ID: 'abc' }, Permission: 'FULL_CONTROL' } } },
      }),
    ).toBe(false);
    expect(s3AclIsPublic(null)).toBe(false);
  });
});
