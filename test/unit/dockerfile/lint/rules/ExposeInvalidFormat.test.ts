import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/ExposeInvalidFormat', () => {
  it('reports IP addresses and host ports', () => {
    assert.deepEqual(
      messages('FROM alpine\nEXPOSE 8080:80 127.0.0.1:53:53/udp 443\n', 'ExposeInvalidFormat'),
      [
        "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'",
        "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:53:53/udp'",
      ],
    );
  });
  it('keeps only the container port', () => {
    assert.equal(
      fixed('FROM alpine\nEXPOSE 8080:80 127.0.0.1:53:53/udp\n', 'ExposeInvalidFormat'),
      'FROM alpine\nEXPOSE 80 53/udp\n',
    );
  });
});
