import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/PackageManagerAssumeYes', () => {
  it('reports installs that would wait for confirmation', () => {
    assert.deepEqual(
      messages(
        'FROM debian\nRUN apt-get update && apt-get install curl\nRUN dnf install git\n',
        'PackageManagerAssumeYes',
      ),
      [
        '`apt-get install` waits for a confirmation the build cannot give: add -y',
        '`dnf install` waits for a confirmation the build cannot give: add -y',
      ],
    );
  });
  it('accepts -y, --yes, -qq, option clusters and zypper --non-interactive', () => {
    const text =
      'FROM debian\nRUN apt-get install -y a && apt-get -qq install b && apt-get install -yq c && apt-get --yes install d\nRUN zypper --non-interactive install e\n';
    assert.deepEqual(messages(text, 'PackageManagerAssumeYes'), []);
  });
  it('adds -y (and --non-interactive for zypper)', () => {
    assert.equal(
      fixed('FROM debian\nRUN apt-get install curl\n', 'PackageManagerAssumeYes'),
      'FROM debian\nRUN apt-get install -y curl\n',
    );
    assert.equal(
      fixed('FROM suse\nRUN zypper install git\n', 'PackageManagerAssumeYes'),
      'FROM suse\nRUN zypper --non-interactive install git\n',
    );
  });
});
