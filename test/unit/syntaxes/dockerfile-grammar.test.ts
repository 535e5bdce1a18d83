// Tokenizes Dockerfile lines with the grammar VS Code loads (vscode-textmate + oniguruma, as the
// editor does) and checks the scopes a theme colours.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const grammarFile = path.join(root, 'syntaxes', 'dockerfile.tmLanguage.json');

// Stands in for VS Code's shell grammar: enough to see that shell is embedded where it should be.
const SHELL_STUB = {
  scopeName: 'source.shell',
  patterns: [
    { match: '\\b(echo|set|apt-get|cat)\\b', name: 'support.function.builtin.shell' },
    { match: '&&', name: 'keyword.operator.list.shell' },
  ],
};

let grammar: textmate.IGrammar;

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(source: string): Token[][] {
  let state = textmate.INITIAL;
  return source.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the token on line `line` (0-based) whose text is `text` (or contains it). */
function scopesOf(lines: Token[][], line: number, text: string): string[] {
  const tokens = lines[line];
  const token = tokens.find((t) => t.text === text) ?? tokens.find((t) => t.text.includes(text));
  assert.ok(token, `no token "${text}" on line ${line}: ${JSON.stringify(tokens.map((t) => t.text))}`);
  return token.scopes;
}

function assertScope(lines: Token[][], line: number, text: string, scope: string): void {
  const scopes = scopesOf(lines, line, text);
  assert.ok(
    scopes.some((s) => s === scope || s.startsWith(scope + '.')),
    `"${text}" on line ${line} should be ${scope}, has ${scopes.join(' ')}`,
  );
}

function assertNoScope(lines: Token[][], line: number, text: string, scope: string): void {
  const scopes = scopesOf(lines, line, text);
  assert.ok(!scopes.some((s) => s.startsWith(scope)), `"${text}" on line ${line} should not be ${scope}`);
}

describe('syntaxes/dockerfile.tmLanguage.json', () => {
  before(async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName === 'source.dockerfile') {
          return textmate.parseRawGrammar(readFileSync(grammarFile, 'utf8'), grammarFile);
        }
        if (scopeName === 'source.shell') return SHELL_STUB as unknown as textmate.IRawGrammar;
        return null;
      },
    });
    const loaded = await registry.loadGrammar('source.dockerfile');
    assert.ok(loaded, 'the grammar did not load');
    grammar = loaded;
  });

  it('is what syntaxes/build-grammar.mjs generates (run `npm run grammar` after editing it)', async () => {
    const generator = (await import(
      pathToFileURL(path.join(root, 'syntaxes', 'build-grammar.mjs')).href
    )) as {
      grammarJson: string;
    };
    assert.equal(readFileSync(grammarFile, 'utf8'), generator.grammarJson);
  });

  it('scopes instructions case-insensitively, comments and parser directives', () => {
    const lines = tokenize(
      '# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\n\n# a comment\nfrom busybox\n',
    );
    assertScope(lines, 0, 'syntax', 'keyword.other.directive.dockerfile');
    assertScope(lines, 0, 'docker/dockerfile:1', 'string.unquoted.directive-value.dockerfile');
    assertScope(lines, 1, 'check', 'keyword.other.directive.dockerfile');
    assertScope(lines, 3, 'a comment', 'comment.line.number-sign.dockerfile');
    assertScope(lines, 4, 'from', 'keyword.other.instruction.dockerfile');
  });

  it('treats a directive-looking comment after the first instruction as a comment', () => {
    const lines = tokenize('FROM busybox\n# syntax=foo\n');
    assertScope(lines, 1, 'syntax=foo', 'comment.line.number-sign.dockerfile');
    assertNoScope(lines, 1, 'syntax=foo', 'keyword.other.directive');
  });

  it('scopes FROM flags, image, variables and stage name', () => {
    const lines = tokenize(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM ${BASE:-debian} AS final\n',
    );
    assertScope(lines, 0, '--', 'punctuation.definition.flag.dockerfile');
    assertScope(lines, 0, 'platform', 'entity.other.attribute-name.flag.dockerfile');
    assertScope(lines, 0, 'BUILDPLATFORM', 'variable.other.dockerfile');
    assertScope(lines, 0, 'golang:1.22', 'entity.name.type.image.dockerfile');
    assertScope(lines, 0, 'AS', 'keyword.other.as.dockerfile');
    assertScope(lines, 0, 'build', 'entity.name.type.stage.dockerfile');
    assertScope(lines, 1, 'BASE', 'variable.other.dockerfile');
    assertScope(lines, 1, ':-', 'keyword.operator.expansion.dockerfile');
    assertScope(lines, 1, 'final', 'entity.name.type.stage.dockerfile');
  });

  it('embeds shell in RUN shell form, after the flags, and keeps the flags Dockerfile flags', () => {
    const lines = tokenize(
      'RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y --no-install-recommends curl\n',
    );
    assertScope(lines, 0, 'mount', 'entity.other.attribute-name.flag.dockerfile');
    assertScope(lines, 0, 'type=cache,target=/var/cache/apt', 'string.unquoted.flag-value.dockerfile');
    assertScope(lines, 0, 'apt-get', 'meta.embedded.block.shell');
    assertScope(lines, 0, 'apt-get', 'entity.name.command.shell');
    assertScope(lines, 0, '&&', 'keyword.operator.list.shell');
    assertNoScope(lines, 0, '--no-install-recommends', 'entity.other.attribute-name.flag');
  });

  it('names the first command of a shell form, which the shell grammar only sees at a line start', () => {
    const lines = tokenize(
      'RUN make install\nCMD /usr/bin/app --serve\nRUN FOO=1 make\nRUN if true; then make; fi\n',
    );
    assertScope(lines, 0, 'make', 'entity.name.command.shell');
    assertNoScope(lines, 0, 'install', 'entity.name.command');
    assertScope(lines, 1, '/usr/bin/app', 'entity.name.command.shell');
    assertNoScope(lines, 2, 'FOO', 'entity.name.command');
    assertNoScope(lines, 3, 'if', 'entity.name.command');
  });

  it('embeds shell in CMD, ENTRYPOINT and HEALTHCHECK CMD shell form', () => {
    const lines = tokenize(
      'CMD echo hi\nENTRYPOINT echo hi\nHEALTHCHECK --interval=5s CMD echo ok\nHEALTHCHECK NONE\n',
    );
    for (const line of [0, 1, 2]) assertScope(lines, line, 'echo', 'entity.name.command.shell');
    assertScope(lines, 2, 'interval', 'entity.other.attribute-name.flag.dockerfile');
    assertScope(lines, 2, 'CMD', 'keyword.other.instruction.dockerfile');
    assertScope(lines, 3, 'NONE', 'constant.language.none.dockerfile');
  });

  it('scopes the exec (JSON) form, without shell', () => {
    const lines = tokenize(
      'CMD ["echo", "a \\"quoted\\" word"]\nSHELL ["/bin/sh", "-c"]\nENTRYPOINT [ "echo" ]\n',
    );
    assertScope(lines, 0, '[', 'punctuation.definition.array.begin.dockerfile');
    assertScope(lines, 0, 'echo', 'string.quoted.double.json.dockerfile');
    assertNoScope(lines, 0, 'echo', 'meta.embedded');
    assertScope(lines, 0, '\\"', 'constant.character.escape.json.dockerfile');
    assertScope(lines, 0, ',', 'punctuation.separator.array.dockerfile');
    assertScope(lines, 1, '/bin/sh', 'string.quoted.double.json.dockerfile');
    assertScope(lines, 2, 'echo', 'string.quoted.double.json.dockerfile');
  });

  it('follows line continuations, skipping comment and blank lines inside them', () => {
    const lines = tokenize(
      'RUN --mount=type=cache,target=/a \\\n    --network=none \\\n    # a comment inside\n\n    echo one \\\n  && echo two\nCOPY a b\n',
    );
    assertScope(lines, 0, '\\', 'constant.character.escape.line-continuation.dockerfile');
    assertScope(lines, 1, 'network', 'entity.other.attribute-name.flag.dockerfile');
    assertScope(lines, 2, 'a comment inside', 'comment.line.number-sign.dockerfile');
    assertScope(lines, 4, 'echo', 'entity.name.command.shell');
    assertScope(lines, 5, 'echo', 'support.function.builtin.shell');
    assertScope(lines, 5, 'echo', 'meta.instruction.command.dockerfile');
    assertScope(lines, 6, 'COPY', 'keyword.other.instruction.dockerfile');
  });

  it('embeds shell in a RUN heredoc body and ends it at the delimiter', () => {
    const lines = tokenize(
      'RUN <<EOF\nset -eu\necho "hi"\nEOF\nRUN <<-"SCRIPT" bash\n\techo tabbed\n\tSCRIPT\nUSER app\n',
    );
    assertScope(lines, 0, '<<', 'keyword.operator.heredoc.dockerfile');
    assertScope(lines, 0, 'EOF', 'entity.name.tag.heredoc-delimiter.dockerfile');
    assertScope(lines, 1, 'set', 'meta.embedded.block.shell');
    assertScope(lines, 1, 'set', 'support.function.builtin.shell');
    assertScope(lines, 2, 'echo', 'support.function.builtin.shell');
    assertScope(lines, 3, 'EOF', 'entity.name.tag.heredoc-delimiter.dockerfile');
    assertScope(lines, 4, '<<-', 'keyword.operator.heredoc.dockerfile');
    assertScope(lines, 4, 'SCRIPT', 'entity.name.tag.heredoc-delimiter.dockerfile');
    assertScope(lines, 5, 'echo', 'support.function.builtin.shell');
    assertScope(lines, 6, 'SCRIPT', 'entity.name.tag.heredoc-delimiter.dockerfile');
    assertScope(lines, 7, 'USER', 'keyword.other.instruction.dockerfile');
  });

  it('treats COPY heredocs and heredocs fed to a command as data', () => {
    const lines = tokenize('COPY <<EOF /etc/motd\nWelcome\nEOF\nRUN cat <<EOT > /x\necho not-shell\nEOT\n');
    assertScope(lines, 1, 'Welcome', 'string.unquoted.heredoc.dockerfile');
    assertScope(lines, 2, 'EOF', 'entity.name.tag.heredoc-delimiter.dockerfile');
    assertScope(lines, 3, 'cat', 'entity.name.command.shell');
    assertScope(lines, 4, 'echo not-shell', 'string.unquoted.heredoc.dockerfile');
    assertNoScope(lines, 4, 'echo not-shell', 'support.function');
  });

  it('scopes ARG, ENV and LABEL definitions, strings and escapes', () => {
    const lines = tokenize(
      'ARG VERSION=1.0\nENV PATH=/opt/bin:$PATH LANG="C.UTF-8"\nENV LEGACY some value\nLABEL org.opencontainers.image.title=\'x\' "my key"="v\\"w"\n',
    );
    assertScope(lines, 0, 'VERSION', 'variable.other.definition.dockerfile');
    assertScope(lines, 0, '=', 'keyword.operator.assignment.dockerfile');
    assertScope(lines, 1, 'PATH', 'variable.other.definition.dockerfile');
    assertScope(lines, 1, 'LANG', 'variable.other.definition.dockerfile');
    assertScope(lines, 1, 'C.UTF-8', 'string.quoted.double.dockerfile');
    assertScope(lines, 2, 'LEGACY', 'variable.other.definition.dockerfile');
    assertNoScope(lines, 2, 'value', 'variable.other.definition');
    assertScope(lines, 3, 'org.opencontainers.image.title', 'variable.other.definition.dockerfile');
    assertScope(lines, 3, 'x', 'string.quoted.single.dockerfile');
    assertScope(lines, 3, '\\"', 'constant.character.escape.dockerfile');
  });

  it('scopes EXPOSE ports and protocols', () => {
    const lines = tokenize('EXPOSE 80/tcp 8000-8010 53/udp\n');
    assertScope(lines, 0, '80', 'constant.numeric.port.dockerfile');
    assertScope(lines, 0, 'tcp', 'constant.language.protocol.dockerfile');
    assertScope(lines, 0, '8010', 'constant.numeric.port.dockerfile');
  });

  it('scopes ONBUILD with the instruction it wraps', () => {
    const lines = tokenize('ONBUILD RUN echo hi\nONBUILD COPY --chown=app . /src\n');
    assertScope(lines, 0, 'ONBUILD', 'keyword.other.instruction.dockerfile');
    assertScope(lines, 0, 'RUN', 'keyword.other.instruction.dockerfile');
    assertScope(lines, 0, 'echo', 'entity.name.command.shell');
    assertScope(lines, 1, 'chown', 'entity.other.attribute-name.flag.dockerfile');
  });

  it('switches line continuations to backticks after # escape=`', () => {
    const lines = tokenize(
      '# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN echo one `\n    echo two\nCOPY C:\\src C:\\dst\n',
    );
    assertScope(lines, 0, 'escape', 'keyword.other.directive.dockerfile');
    assertScope(lines, 2, '`', 'constant.character.escape.line-continuation.dockerfile');
    assertScope(lines, 3, 'echo', 'meta.instruction.command.dockerfile');
    assertScope(lines, 4, 'COPY', 'keyword.other.instruction.dockerfile');
    assertNoScope(lines, 4, 'C:', 'constant.character.escape');
  });

  it('keeps a backslash continuation in a file without the escape directive', () => {
    const lines = tokenize('FROM x\nRUN echo a `\nUSER b\n');
    assertScope(lines, 2, 'USER', 'keyword.other.instruction.dockerfile');
  });
});
