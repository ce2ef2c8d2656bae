import { describe, expect, it } from 'vitest';
import { dataLocationApproved, s3AclIsPublic, s3Uris } from '../../../../shared/policy/functions/s3.js';
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

describe('Function: s3Uris and dataLocationApproved (attack 5)', () => {
  it('collects https S3 URLs (virtual-hosted and path-style) as s3:// URIs', () => {
    // Act
    const uris = s3Uris({
      a: 'https://attacker-bucket.s3.amazonaws.com/poisoned/',
      b: 'https://attacker-bucket.s3.eu-west-1.amazonaws.com/out/',
      c: 'https://s3.eu-west-1.amazonaws.com/other-bucket/key',
      d: 'https://my.dotted.bucket.s3-us-west-2.amazonaws.com/k',
      e: 'https://s3.amazonaws.com/path-bucket',
      f: 'https://example.com/not-s3',
    });

    // Assess
    expect(uris).toEqual([
      's3://attacker-bucket/poisoned/',
      's3://attacker-bucket/out/',
      's3://other-bucket/key',
      's3://my.dotted.bucket/k',
      's3://path-bucket',
    ]);
  });

  it('keeps any other location in a data field (s3Uri, s3OutputPath...), so that it is never approved', () => {
    // Act
    const uris = s3Uris({
      outputDataConfig: { s3OutputPath: 'https://exfil.example/upload' },
      checkpointConfig: { s3Uri: 'gs://bucket/ckpt' },
      hyperParameters: { homepage: 'https://example.com/docs' },
    });

    // Assess
    expect(uris).toEqual(['https://exfil.example/upload', 'gs://bucket/ckpt']);
    expect(uris.some((u) => dataLocationApproved(u, ['s3://bucket/*']))).toBe(false);
  });

  it('matches the bucket exactly and the key by glob: a longer bucket name is another bucket', () => {
    // Prepare
    const approved = ['s3://ml-training/*', 's3://ml-artifacts-models/fraud/*', 's3://ml-training-fraud-data'];

    // Act & Assess
    expect(dataLocationApproved('s3://ml-training/data/train/', approved)).toBe(true);
    expect(dataLocationApproved('s3://ml-training', approved)).toBe(true);
    expect(dataLocationApproved('s3://ml-training-attacker-owned-bucket/out/', approved)).toBe(false);
    expect(dataLocationApproved('s3://ml-artifacts-models/fraud/v1/model.tar.gz', approved)).toBe(true);
    expect(dataLocationApproved('s3://ml-artifacts-models/nlp/v1/', approved)).toBe(false);
    expect(dataLocationApproved('s3://ml-training-fraud-data/curated/x', approved)).toBe(true);
    expect(dataLocationApproved('S3://ml-training/x', approved)).toBe(true);
    expect(dataLocationApproved('https://ml-training.s3.amazonaws.com/x', approved)).toBe(true);
    expect(dataLocationApproved('https://exfil.example/ml-training/x', approved)).toBe(false);
    expect(dataLocationApproved('s3://ml-training/x', ['s3://ml-*/*'])).toBe(false);
  });
});
