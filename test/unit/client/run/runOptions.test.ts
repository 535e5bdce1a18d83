import * as assert from 'node:assert/strict';

import {
  createOptions,
  describeChoices,
  initialChoices,
  parseEnv,
  parsePorts,
  parseVolumes,
  splitWords,
  suggestPorts,
  validateName,
  type RunChoices,
} from '../../../../client/src/run/runOptions';

const none: RunChoices = { name: '', ports: '', env: '', volumes: '', command: '', interactive: false };

describe('client/run/runOptions', () => {
  it('suggests publishing each EXPOSEd port on the same host port, in port order', () => {
    assert.equal(suggestPorts({ '443/tcp': {}, '80/tcp': {}, '53/udp': {} }), '53:53/udp 80:80 443:443');
    assert.equal(suggestPorts(undefined), '');
  });

  it('starts from the last choices for the image, else from the suggestions', () => {
    const remembered = { ...none, name: 'web', ports: '9090:80' };
    assert.deepEqual(initialChoices({ '80/tcp': {} }, remembered, undefined), remembered);
    assert.deepEqual(initialChoices({ '80/tcp': {} }, undefined, undefined), { ...none, ports: '80:80' });
    assert.equal(
      initialChoices(undefined, remembered, true).interactive,
      true,
      'Run Interactive forces the mode',
    );
  });

  it('reads port mappings the way docker run -p does', () => {
    assert.deepEqual(parsePorts('8080:80, 127.0.0.1:5353:53/udp 3000 [::1]:9000:9000'), {
      exposed: { '80/tcp': {}, '53/udp': {}, '3000/tcp': {}, '9000/tcp': {} },
      bindings: {
        '80/tcp': [{ HostPort: '8080' }],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
        '3000/tcp': [{ HostPort: '' }],
        '9000/tcp': [{ HostIp: '::1', HostPort: '9000' }],
      },
    });
    assert.throws(() => parsePorts('80:http'), /"80:http" is not a port mapping.*8080:80/);
    assert.throws(() => parsePorts('70000:80'), /port 70000 .* between 1 and 65535/);
  });

  it('splits words like a shell for the simple cases', () => {
    assert.deepEqual(splitWords(`sh -c 'echo "$GREETING"; sleep 1' a\\ b ""`), [
      'sh',
      '-c',
      'echo "$GREETING"; sleep 1',
      'a b',
      '',
    ]);
    assert.throws(() => splitWords('echo "open'), /quote is not closed/);
  });

  it('reads environment entries and refuses a bare name', () => {
    assert.deepEqual(parseEnv('A=1 GREETING="hello there" EMPTY='), [
      'A=1',
      'GREETING=hello there',
      'EMPTY=',
    ]);
    assert.throws(() => parseEnv('DEBUG'), /"DEBUG" is not NAME=value .*DEBUG=/);
  });

  it('resolves relative bind mounts against the workspace and keeps named volumes', () => {
    assert.deepEqual(
      parseVolumes('./site:/usr/share/html:ro data:/data ~/cache:/cache /abs:/abs', '/ws', '/home/ann'),
      ['/ws/site:/usr/share/html:ro', 'data:/data', '/home/ann/cache:/cache', '/abs:/abs'],
    );
    assert.throws(() => parseVolumes('./x:/y', undefined, '/home/ann'), /no folder is open/);
    assert.throws(() => parseVolumes('data:relative', '/ws', '/h'), /destination .* absolute/);
    assert.throws(() => parseVolumes('just-a-name', '/ws', '/h'), /source:destination/);
  });

  it('checks container names', () => {
    assert.equal(validateName(''), undefined);
    assert.equal(validateName('web-1.a_b'), undefined);
    assert.match(validateName('-bad') ?? '', /letters, digits/);
  });

  it('turns the choices into the engine’s create request', () => {
    const options = createOptions(
      'nginx:1.27',
      {
        name: 'web',
        ports: '8080:80',
        env: 'MODE=dev',
        volumes: './site:/html',
        command: `sh -c 'echo hi'`,
        interactive: false,
      },
      '/ws',
      '/home/ann',
    );
    assert.deepEqual(options, {
      Image: 'nginx:1.27',
      name: 'web',
      Env: ['MODE=dev'],
      Cmd: ['sh', '-c', 'echo hi'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] }, Binds: ['/ws/site:/html'] },
      Labels: { 'dev.berth.created-by': 'vscode' },
    });
    const interactive = createOptions('busybox', { ...none, interactive: true }, undefined, '/h');
    assert.equal(interactive.Tty, true);
    assert.equal(interactive.OpenStdin, true);
    assert.equal(interactive.name, undefined, 'no name: the engine generates one');
  });

  it('describes the last choices in one line', () => {
    assert.equal(
      describeChoices({ ...none, name: 'web', ports: '8080:80' }),
      'name web, ports 8080:80, detached',
    );
  });
});
