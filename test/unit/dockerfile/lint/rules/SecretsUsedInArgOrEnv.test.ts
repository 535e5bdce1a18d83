import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/SecretsUsedInArgOrEnv', () => {
  it('reports secret-looking names', () => {
    assert.deepEqual(
      messages('FROM alpine\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x\n', 'SecretsUsedInArgOrEnv'),
      [
        'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
        'Do not use ARG or ENV instructions for sensitive data (ENV "DB_PASSWORD")',
      ],
    );
  });
  it('accepts allowed words and unrelated names', () => {
    assert.deepEqual(
      messages('FROM alpine\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/x KEYBOARD=us\n', 'SecretsUsedInArgOrEnv'),
      [],
    );
  });
});
