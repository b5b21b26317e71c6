import { createHash } from 'node:crypto';
import { flattenUcloudParams, signUcloudParams, ucloudSignature } from './auth';

const PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const PRIVATE_KEY = '46f09bb9fab4f12dfc160dae12273d5332b5debe';
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

describe('UCloud signature', () => {
  it('matches the published vector', () => {
    const params = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10, PublicKey: PUBLIC_KEY };
    expect(ucloudSignature(params, PRIVATE_KEY)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('signs with the public key added and leaves out an existing Signature', () => {
    const signed = signUcloudParams({ Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10 }, PUBLIC_KEY, PRIVATE_KEY);
    expect(signed).toEqual({
      Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10', PublicKey: PUBLIC_KEY,
      Signature: 'cba5cf5ec4d4233d206b1b54951e3787350a642f',
    });
    expect(ucloudSignature(signed, PRIVATE_KEY)).toBe(signed.Signature);
  });

  it('sorts keys by byte order: upper case first, "Backends.10" before "Backends.2"', () => {
    const params = { b: 'x', B: 'y', Backends: Array.from({ length: 11 }, (_, i) => `v${i}`) };
    const expected = ['B', 'Backends.0', 'Backends.1', 'Backends.10', ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => `Backends.${i}`), 'b']
      .map((key) => key + flattenUcloudParams(params)[key]).join('');
    expect(ucloudSignature(params, 'pk')).toBe(sha1(`${expected}pk`));
  });
});

describe('flattenUcloudParams', () => {
  it('flattens arrays and objects in arrays, drops nulls, prints booleans and integral numbers plainly', () => {
    expect(flattenUcloudParams({
      Action: 'CreateULBVServer',
      Ports: [80, 443],
      Backends: [{ ResourceId: 'uhost-1', Port: 8080, Enabled: true }, { ResourceId: 'uhost-2', Weight: null }],
      Tag: null,
      Empty: undefined,
      Verbose: false,
      Whole: 2.0,
      Ratio: 0.5,
      Big: 1e21,
      Name: '',
    })).toEqual({
      Action: 'CreateULBVServer',
      'Ports.0': '80',
      'Ports.1': '443',
      'Backends.0.ResourceId': 'uhost-1',
      'Backends.0.Port': '8080',
      'Backends.0.Enabled': 'true',
      'Backends.1.ResourceId': 'uhost-2',
      Verbose: 'false',
      Whole: '2',
      Ratio: '0.5',
      Big: '1000000000000000000000',
      Name: '',
    });
  });
});
