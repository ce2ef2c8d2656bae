import { describe, expect, it } from 'vitest';
import { isWorldCidr, opensToWorld, s3BucketOf, worldOpenings } from '../../../../shared/policy/functions/network.js';

describe('Function: isWorldCidr', () => {
  it('takes any /0 prefix for the whole internet, whatever the address', () => {
    // Act & Assess
    for (const cidr of ['0.0.0.0/0', '::/0', '203.0.113.9/0', ' 0.0.0.0/0 ', '2001:db8::/0'])
      expect(isWorldCidr(cidr), cidr).toBe(true);
  });

  it('does not take /8 or narrower prefixes (/16 for IPv6) or other values for it', () => {
    // Act & Assess
    for (const cidr of [
      '10.0.0.0/8',
      '0.0.0.0/16',
      '203.0.113.9/32',
      '::/16',
      '0.0.0.0',
      'sg-0ml7f3a9c1d2e4b56',
      '',
      null,
      0,
    ])
      expect(isWorldCidr(cidr), String(cidr)).toBe(false);
  });
});

describe('Function: opensToWorld', () => {
  it('reads the ipPermissions form of AuthorizeSecurityGroupIngress, IPv4 and IPv6', () => {
    // Prepare
    const v4 = {
      groupId: 'sg-0ml7f3a9c1d2e4b56',
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }, { cidrIp: '0.0.0.0/0' }] },
          },
        ],
      },
    };
    const v6 = { ipPermissions: { items: [{ ipProtocol: '-1', ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } }] } };
    const narrow = {
      ipPermissions: { items: [{ ipProtocol: 'tcp', ipRanges: { items: [{ cidrIp: '10.20.0.0/16' }] } }] },
    };

    // Act & Assess
    expect(opensToWorld(v4)).toBe(true);
    expect(opensToWorld(v6)).toBe(true);
    expect(opensToWorld(narrow)).toBe(false);
  });

  it('reads the legacy top-level cidrIp and plain lists', () => {
    // Act & Assess
    expect(opensToWorld({ groupName: 'ml', cidrIp: '0.0.0.0/0', ipProtocol: 'tcp' })).toBe(true);
    expect(opensToWorld({ ipPermissions: [{ ipRanges: [{ cidrIp: '203.0.113.9/0' }] }] })).toBe(true);
    expect(opensToWorld({})).toBe(false);
    expect(opensToWorld('0.0.0.0/0')).toBe(false);
  });
});

describe('Function: s3BucketOf', () => {
  it('gives the bucket of an s3:// URI or an S3 ARN', () => {
    // Act & Assess
    expect(s3BucketOf('s3://ml-training-vision-raw/imagenet/train/')).toBe('ml-training-vision-raw');
    expect(s3BucketOf('arn:aws:s3:::ml-artifacts-models/vision/*')).toBe('ml-artifacts-models');
    expect(s3BucketOf('arn:aws-us-gov:s3:::gov-bucket')).toBe('gov-bucket');
    expect(s3BucketOf('https://ml-training.s3.amazonaws.com/x')).toBe('');
    expect(s3BucketOf(undefined)).toBe('');
  });
});

describe('Function: isWorldCidr with the internet in pieces (attack 3)', () => {
  it('takes a prefix wider than /8 (IPv4) or /16 (IPv6) for the internet', () => {
    // Act & Assess
    for (const cidr of ['0.0.0.0/1', '128.0.0.0/1', '64.0.0.0/2', '2000::/3', '::/1'])
      expect(isWorldCidr(cidr), cidr).toBe(true);
    for (const cidr of ['10.0.0.0/8', '172.16.0.0/12', '198.51.100.0/24', '2001:db8::/32', '203.0.113.9'])
      expect(isWorldCidr(cidr), cidr).toBe(false);
  });
});

describe('Function: worldOpenings', () => {
  it('names each world-open protocol, port range and range of a request once', () => {
    // Prepare
    const req = {
      groupId: 'sg-0ml5a1b2c3d4e5f60',
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] },
          },
          { ipProtocol: 'tcp', fromPort: 8888, toPort: 8888, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } },
          { ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/1' }, { cidrIp: '0.0.0.0/1' }] } },
        ],
      },
    };

    // Act & Assess
    expect(worldOpenings(req)).toEqual([
      'tcp 22-22 from 0.0.0.0/0',
      'tcp 8888-8888 from ::/0',
      'all all from 0.0.0.0/1',
    ]);
    expect(worldOpenings({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' })).toEqual([
      'tcp 443-443 from 0.0.0.0/0',
    ]);
    expect(worldOpenings({ ipPermissions: [{ ipProtocol: 'tcp', ipRanges: [{ cidrIp: '10.1.0.0/16' }] }] })).toEqual(
      [],
    );
    expect(worldOpenings('x')).toEqual([]);
  });
});
