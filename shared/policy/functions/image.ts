/** Container image references: `registry/repository[:tag][@sha256:digest]`. */
export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  /** Pinned to an immutable digest. */
  pinned: boolean;
  /** An Amazon ECR private registry. */
  ecr: boolean;
  account: string;
  region: string;
}

import { globMatch } from '../../kernel/index.js';

const ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * Parses an image reference. Docker Hub short names get `docker.io`.
 * @example parseImage('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/train@sha256:ab…').pinned // true
 */
export function parseImage(ref: unknown): ImageRef {
  const text = typeof ref === 'string' ? ref.trim() : '';
  let rest = text;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  // A DNS name is at most 253 characters: a longer registry is no host, and never reaches the pattern.
  const ecr = registry.length <= 253 ? ECR.exec(registry) : null;
  return {
    registry,
    repository: rest,
    tag,
    digest,
    pinned: digest.length === 71 && /^sha256:[a-f0-9]{64}$/.test(digest),
    ecr: ecr !== null,
    account: ecr?.[1] ?? '',
    region: ecr?.[2] ?? '',
  };
}

/** Longest image reference judged (SageMaker takes 255 characters): a longer one is never approved. */
const MAX_IMAGE_REF = 1024;

/** Registry host (lower case) and the rest (`repository[:tag][@digest]`); Docker Hub's own images under `library/`. */
function splitReference(text: string): { host: string; path: string } {
  const slash = text.indexOf('/');
  const first = slash > 0 ? text.slice(0, slash) : '';
  if (first && !first.includes('@') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { host: first.toLowerCase(), path: text.slice(slash + 1) };
  return { host: 'docker.io', path: text.includes('/') ? text : `library/${text}` };
}

/** The host matches the host pattern label by label (`*` within one label, as in TLS certificates). */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.split('.');
  const h = host.split('.');
  return p.length === h.length && p.every((label, i) => globMatch(label, h[i]!));
}

/**
 * True when an image reference matches one of the approved globs: the registry host exactly,
 * label by label (`111122223333.dkr.ecr.*.amazonaws.com` takes any region, never
 * `111122223333.dkr.ecr.evil.example/pwn.amazonaws.com`: a wildcard does not span a `.` or a
 * `/` of the host), then the repository, tag and digest by glob. A glob without a registry is
 * Docker Hub's (`python:3.12*` is `docker.io/library/python:3.12*`); `*` alone approves every image.
 * @example imageApproved('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/x@sha256:…', ['111122223333.dkr.ecr.*.amazonaws.com/ml/*']) // true
 */
export function imageApproved(ref: unknown, globs: readonly unknown[]): boolean {
  if (typeof ref !== 'string') return false;
  const text = ref.trim();
  if (text === '' || text.length > MAX_IMAGE_REF) return false;
  const image = splitReference(text);
  return globs.some((g) => {
    if (typeof g !== 'string' || g === '') return false;
    if (g === '*') return true;
    const pattern = splitReference(g.trim());
    return hostMatches(pattern.host, image.host) && globMatch(pattern.path, image.path);
  });
}
