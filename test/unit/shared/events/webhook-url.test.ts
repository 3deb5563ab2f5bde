import { describe, expect, it } from 'vitest';
import { assertDeliverableUrl, isPublicAddress, WebhookUrlRejectedError } from '../../../../shared/events/webhook-url.ts';

describe('isPublicAddress', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:8.8.8.8'])('treats %s as public', (address) => {
    // Prepare / Act
    const result = isPublicAddress(address);

    // Assess
    expect(result).toBe(true);
  });

  it.each([
    '10.0.0.1', '127.0.0.1', '169.254.169.254', '172.16.0.1', '192.168.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', 'not-an-ip',
  ])('treats %s as not public (IPv4-mapped forms included)', (address) => {
    // Prepare / Act
    const result = isPublicAddress(address);

    // Assess
    expect(result).toBe(false);
  });
});

describe('assertDeliverableUrl', () => {
  it('accepts an https host resolving to a public IPv4 address under public-https', async () => {
    // Prepare
    const resolve = async () => ['93.184.215.14'];

    // Act
    const url = await assertDeliverableUrl('https://hooks.example.org/jointly', 'public-https', resolve);

    // Assess
    expect(url.hostname).toBe('hooks.example.org');
  });

  it('rejects a host resolving to an IPv4-mapped private address', async () => {
    // Prepare
    const resolve = async () => ['::ffff:10.0.0.5'];

    // Act
    const checking = assertDeliverableUrl('https://hooks.example.org/jointly', 'public-https', resolve);

    // Assess
    await expect(checking).rejects.toBeInstanceOf(WebhookUrlRejectedError);
  });
});
