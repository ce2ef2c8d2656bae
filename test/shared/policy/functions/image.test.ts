import { describe, expect, it } from 'vitest';
import { imageApproved, parseImage } from '../../../../shared/policy/functions/image.js';

const DIGEST = 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('Function: parseImage', () => {
  it('reads an ECR image pinned by digest', () => {
    // Act
    const ref = parseImage(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/vision-trainer@${DIGEST}`);

    // Assess
    expect(ref).toEqual({
      registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      repository: 'ml/vision-trainer',
      tag: '',
      digest: DIGEST,
      pinned: true,
      ecr: true,
      account: '111122223333',
      region: 'eu-west-1',
    });
  });

  it('reads an ECR image by tag: not pinned', () => {
    // Act
    const ref = parseImage(
      '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
    );

    // Assess
    expect(ref).toMatchObject({
      repository: 'huggingface-pytorch-training',
      tag: '2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
      digest: '',
      pinned: false,
      ecr: true,
      account: '763104351884',
      region: 'eu-west-1',
    });
  });

  it('reads tag and digest together, FIPS and China ECR endpoints', () => {
    // Act
    const both = parseImage(`111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/ml/x:1.0@${DIGEST}`);
    const china = parseImage('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/ml/x:1.0');

    // Assess
    expect(both).toMatchObject({ tag: '1.0', digest: DIGEST, pinned: true, ecr: true, region: 'us-gov-west-1' });
    expect(china).toMatchObject({ ecr: true, region: 'cn-north-1', pinned: false });
  });

  it('gives Docker Hub short names the docker.io registry', () => {
    // Act & Assess
    expect(parseImage('pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime')).toMatchObject({
      registry: 'docker.io',
      repository: 'pytorch/pytorch',
      tag: '2.5.1-cuda12.4-cudnn9-runtime',
      ecr: false,
      account: '',
    });
    expect(parseImage('python')).toMatchObject({ registry: 'docker.io', repository: 'python', tag: '', pinned: false });
  });

  it('reads other registries, with ports', () => {
    // Act & Assess
    expect(parseImage('ghcr.io/acme/trainer:v3')).toMatchObject({
      registry: 'ghcr.io',
      repository: 'acme/trainer',
      tag: 'v3',
      ecr: false,
    });
    expect(parseImage('localhost:5000/trainer')).toMatchObject({
      registry: 'localhost:5000',
      repository: 'trainer',
      tag: '',
    });
    expect(parseImage('registry.example.com:8443/ml/trainer:1')).toMatchObject({
      registry: 'registry.example.com:8443',
      repository: 'ml/trainer',
      tag: '1',
    });
  });

  it('does not call a malformed digest pinned', () => {
    // Act & Assess
    expect(parseImage('repo@sha256:abc').pinned).toBe(false);
    expect(parseImage(`repo@md5:${'a'.repeat(64)}`).pinned).toBe(false);
  });

  it('gives an empty reference for anything that is not a string', () => {
    // Act & Assess
    expect(parseImage(undefined)).toMatchObject({ repository: '', pinned: false, ecr: false });
    expect(parseImage(42)).toMatchObject({ repository: '' });
  });
});

describe('Function: imageApproved (attack 5)', () => {
  const approved = ['111122223333.dkr.ecr.*.amazonaws.com/ml/*', 'docker.io/library/python:3.12*'];
  const digest = `@sha256:${'a'.repeat(64)}`;

  it('matches the registry host label by label: a wildcard never spans a dot or a slash', () => {
    // Act & Assess
    expect(imageApproved(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/x${digest}`, approved)).toBe(true);
    expect(imageApproved(`111122223333.dkr.ecr.evil.example/pwn.amazonaws.com/ml/x${digest}`, approved)).toBe(false);
    expect(imageApproved(`111122223333.dkr.ecr.eu-west-1.evil.amazonaws.com/ml/x${digest}`, approved)).toBe(false);
    expect(imageApproved(`999988887777.dkr.ecr.eu-west-1.amazonaws.com/ml/x${digest}`, approved)).toBe(false);
    expect(imageApproved(`111122223333.DKR.ECR.eu-west-1.amazonaws.com/ml/x${digest}`, approved)).toBe(true);
  });

  it('matches the repository, tag and digest by glob, and reads Docker Hub short names', () => {
    // Act & Assess
    expect(imageApproved('python:3.12-slim', approved)).toBe(true);
    expect(imageApproved('library/python:3.12', approved)).toBe(true);
    expect(imageApproved('evil/python:3.12', approved)).toBe(false);
    expect(imageApproved(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/other/x${digest}`, approved)).toBe(false);
    expect(imageApproved('', approved)).toBe(false);
    expect(imageApproved(42, approved)).toBe(false);
  });
});
