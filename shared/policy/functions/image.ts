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
