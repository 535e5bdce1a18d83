import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/PackageVersionsNotPinned', () => {
  it('reports unpinned packages per manager', () => {
    const text =
      'FROM debian\nRUN apt-get install -y curl git=1:2.39 && pip install flask requests==2.0 && npm i -g typescript && apk add bash && go install example.com/x@latest\n';
    assert.deepEqual(messages(text, 'PackageVersionsNotPinned'), [
      'Pin the version of curl: `apt-get install <package>=<version>`',
      'Pin the version of flask: `pip install <package>==<version>`',
      'Pin the version of typescript: `npm i <package>@<version>`',
      'Pin the version of bash: `apk add <package>=<version>`',
      'Pin the version of example.com/x@latest: `go install <package>@<version>`',
    ]);
  });
  it('ignores files, requirements, variables and pip tooling upgrades', () => {
    const text =
      'FROM debian\nRUN apt-get install -y ./x.deb $PKGS && pip install -r req.txt . && pip install -U pip setuptools && npm install\n';
    assert.deepEqual(messages(text, 'PackageVersionsNotPinned'), []);
  });
});
