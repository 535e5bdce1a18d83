// Writes syntaxes/dockerfile.tmLanguage.json (`npm run grammar`; a unit test checks it is current).
//
// Why generate: the Dockerfile's escape character (`\` by default, `` ` `` after `# escape=``) changes
// line continuations and escapes everywhere, and TextMate has no variables. So the rules that depend on
// it are written once here and emitted twice: plain names for `\`, names ending in `-bt` for `` ` ``.
// A file whose directive block sets `# escape=`` switches to the second set until its end.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCOPE = 'dockerfile';
const s = (name) => `${name}.${SCOPE}`;

const INSTRUCTIONS = {
  command: ['RUN', 'CMD', 'ENTRYPOINT'],
  other: ['VOLUME', 'WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER'],
};

/** The repository entries that depend on the escape character, named with `suffix`. */
function escapeDependentRules(esc, suffix) {
  const e = esc === '\\' ? '\\\\' : '`';
  const ref = (name) => ({ include: `#${name}${suffix}` });
  const keyword = (kw) => `(?:^|\\G)\\s*(?i:(${kw}))(?=\\s|$)`;
  const instruction = (kw, name, patterns) => ({
    name: s(`meta.instruction.${name}`),
    begin: keyword(kw),
    beginCaptures: { 1: { name: s('keyword.other.instruction') } },
    end: '$',
    patterns: [ref('line-continuation'), ...patterns],
  });
  // Arguments start at the first word that is not a --flag; they run to the instruction's end.
  const args = (patterns, name) => ({
    ...(name ? { name } : {}),
    begin: '(?!--)(?=[^\\s])',
    end: '$',
    patterns: [ref('line-continuation'), ...patterns],
  });
  const commonArgs = [ref('string-double'), ref('string-single'), ref('variable'), ref('escape')];

  return {
    [`line-continuation${suffix}`]: {
      // The escape character at the end of a line joins the next one. Comment lines and blank lines
      // inside a continuation are skipped (as BuildKit does), so the rule lasts until the next line
      // with content.
      begin: `(${e})[ \\t]*$`,
      beginCaptures: { 1: { name: s('constant.character.escape.line-continuation') } },
      end: '^(?=\\s*[^\\s#])',
      patterns: [{ include: '#comment-line' }],
    },
    [`escape${suffix}`]: { match: `${e}.`, name: s('constant.character.escape') },
    [`string-double${suffix}`]: {
      name: s('string.quoted.double'),
      begin: '"',
      beginCaptures: { 0: { name: s('punctuation.definition.string.begin') } },
      end: '"|$(?<!' + e + ')',
      endCaptures: { 0: { name: s('punctuation.definition.string.end') } },
      patterns: [ref('line-continuation'), ref('escape'), ref('variable')],
    },
    [`string-single${suffix}`]: {
      name: s('string.quoted.single'),
      begin: "'",
      beginCaptures: { 0: { name: s('punctuation.definition.string.begin') } },
      end: "'|$(?<!" + e + ')',
      endCaptures: { 0: { name: s('punctuation.definition.string.end') } },
      patterns: [ref('line-continuation')],
    },
    [`variable${suffix}`]: {
      patterns: [
        {
          name: s('meta.variable.braced'),
          begin: '(\\$)(\\{)([A-Za-z_][A-Za-z0-9_]*)',
          beginCaptures: {
            1: { name: s('punctuation.definition.variable') },
            2: { name: s('punctuation.section.variable.begin') },
            3: { name: s('variable.other') },
          },
          end: '\\}|$',
          endCaptures: { 0: { name: s('punctuation.section.variable.end') } },
          patterns: [
            { match: ':?[-+?]|##?|%%?|//?', name: s('keyword.operator.expansion') },
            ref('variable'),
            ref('escape'),
          ],
        },
        {
          match: '(\\$)([A-Za-z_][A-Za-z0-9_]*)',
          captures: { 1: { name: s('punctuation.definition.variable') }, 2: { name: s('variable.other') } },
        },
      ],
    },
    [`flags${suffix}`]: {
      match: '(?<=^|\\s)(--)([A-Za-z][A-Za-z0-9-]*)(?:(=)((?:"[^"]*"|\'[^\']*\'|[^\\s' + e + '])*))?',
      name: s('meta.flag'),
      captures: {
        1: { name: s('punctuation.definition.flag') },
        2: { name: s('entity.other.attribute-name.flag') },
        3: { name: s('keyword.operator.assignment') },
        4: { name: s('string.unquoted.flag-value'), patterns: [ref('variable')] },
      },
    },
    [`json-args${suffix}`]: {
      // Exec form: a JSON array of strings (JSON escapes are always backslashes).
      name: s('meta.json-array'),
      begin: '\\G\\s*(?=\\[)',
      end: '$',
      patterns: [
        ref('line-continuation'),
        { match: '\\[', name: s('punctuation.definition.array.begin') },
        { match: '\\]', name: s('punctuation.definition.array.end') },
        { match: ',', name: s('punctuation.separator.array') },
        {
          name: s('string.quoted.double.json'),
          begin: '"',
          beginCaptures: { 0: { name: s('punctuation.definition.string.begin') } },
          end: '"|$',
          endCaptures: { 0: { name: s('punctuation.definition.string.end') } },
          patterns: [
            { match: '\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})', name: s('constant.character.escape.json') },
          ],
        },
      ],
    },
    [`command-args${suffix}`]: {
      // RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD: exec form, or shell form with the shell grammar embedded.
      patterns: [
        ref('json-args'),
        {
          name: 'meta.embedded.block.shell',
          begin: '(?!--)(?=[^\\s\\[])',
          end: '$',
          patterns: [
            ref('line-continuation'),
            { include: '#heredoc-shell' },
            { include: '#first-command-name' },
            { include: '#heredoc-data' },
            { include: 'source.shell' },
          ],
        },
      ],
    },
    [`instructions${suffix}`]: {
      patterns: [
        instruction('ONBUILD', 'onbuild', [ref('instructions')]),
        instruction('FROM', 'from', [
          ref('flags'),
          args([
            {
              match: '(?i:(?<=\\s)(AS))\\s+([^\\s]+)',
              captures: { 1: { name: s('keyword.other.as') }, 2: { name: s('entity.name.type.stage') } },
            },
            ref('variable'),
            { match: '[^\\s$' + e + ']+', name: s('entity.name.type.image') },
          ]),
        ]),
        instruction(INSTRUCTIONS.command.join('|'), 'command', [ref('flags'), ref('command-args')]),
        instruction('SHELL', 'shell', [ref('json-args')]),
        instruction('HEALTHCHECK', 'healthcheck', [
          ref('flags'),
          { match: '(?i:(?<=\\s)NONE)(?=\\s|$)', name: s('constant.language.none') },
          {
            begin: '(?i:(?<=\\s)(CMD))(?=\\s|$)',
            beginCaptures: { 1: { name: s('keyword.other.instruction') } },
            end: '$',
            patterns: [ref('line-continuation'), ref('command-args')],
          },
        ]),
        instruction('COPY|ADD', 'copy', [
          ref('flags'),
          args([ref('json-args'), { include: '#heredoc-data' }, ...commonArgs]),
        ]),
        instruction('ARG', 'arg', [
          args([
            {
              match: '(?:(?<=^|\\s)|\\G)([A-Za-z_][A-Za-z0-9_]*)(?=[=\\s]|$)(=)?',
              captures: {
                1: { name: s('variable.other.definition') },
                2: { name: s('keyword.operator.assignment') },
              },
            },
            ...commonArgs,
          ]),
        ]),
        instruction('ENV|LABEL', 'key-value', [
          args([
            {
              match: '(?<=^|\\s)([A-Za-z_][A-Za-z0-9_.-]*|"[^"]*")(=)',
              captures: {
                1: { name: s('variable.other.definition') },
                2: { name: s('keyword.operator.assignment') },
              },
            },
            // ENV's legacy form, `ENV key value`: the first word is the key.
            { match: '\\G([A-Za-z_][A-Za-z0-9_.-]*)(?=\\s|$)', name: s('variable.other.definition') },
            ...commonArgs,
          ]),
        ]),
        instruction('EXPOSE', 'expose', [
          args([
            {
              match: '(\\d+)(?:(-)(\\d+))?(?:(/)(?i:(tcp|udp|sctp)))?',
              captures: {
                1: { name: s('constant.numeric.port') },
                2: { name: s('keyword.operator.range') },
                3: { name: s('constant.numeric.port') },
                4: { name: s('punctuation.separator.protocol') },
                5: { name: s('constant.language.protocol') },
              },
            },
            ref('variable'),
          ]),
        ]),
        instruction(INSTRUCTIONS.other.join('|'), 'other', [
          ref('flags'),
          args([ref('json-args'), ...commonArgs]),
        ]),
      ],
    },
  };
}

/** Heredocs (RUN/COPY/ADD `<<EOF`, `<<-EOF`, `<<"EOF"`): the body runs until the delimiter line. */
const heredoc = (firstWordOnly, body) => ({
  name: s('meta.heredoc'),
  begin: `${firstWordOnly ? '\\G' : ''}(<<-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)(\\2)`,
  beginCaptures: {
    1: { name: s('keyword.operator.heredoc') },
    2: { name: s('punctuation.definition.string.begin') },
    3: { name: s('entity.name.tag.heredoc-delimiter') },
    4: { name: s('punctuation.definition.string.end') },
  },
  end: '^\\s*(\\3)\\s*$',
  endCaptures: { 1: { name: s('entity.name.tag.heredoc-delimiter') } },
  ...body,
});

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Dockerfile',
  scopeName: `source.${SCOPE}`,
  fileTypes: ['Dockerfile', 'Containerfile', 'dockerfile', 'containerfile'],
  comment: 'Generated by syntaxes/build-grammar.mjs: edit that file, then run `npm run grammar`.',
  patterns: [{ include: '#directives' }, { include: '#comment-line' }, { include: '#instructions' }],
  repository: {
    directives: {
      // Parser directives: `# name=value` lines at the very top of the file, before anything else.
      begin: '\\A\\uFEFF?(?=\\s*#\\s*[A-Za-z]+\\s*=)',
      end: '^(?!\\s*#\\s*[A-Za-z]+\\s*=)',
      patterns: [
        {
          // `# escape=`` switches the rest of the file to the backtick rules.
          begin: '^\\s*(#)\\s*((?i:escape))\\s*(=)\\s*(`)\\s*$',
          beginCaptures: {
            0: { name: s('comment.line.directive') },
            1: { name: s('punctuation.definition.comment') },
            2: { name: s('keyword.other.directive') },
            3: { name: s('keyword.operator.assignment') },
            4: { name: s('string.unquoted.directive-value') },
          },
          end: '(?!)',
          patterns: [
            { include: '#directive' },
            { include: '#comment-line' },
            { include: '#instructions-bt' },
          ],
        },
        { include: '#directive' },
      ],
    },
    directive: {
      match: '^\\s*(#)\\s*([A-Za-z]+)\\s*(=)\\s*(.*?)\\s*$',
      name: s('comment.line.directive'),
      captures: {
        1: { name: s('punctuation.definition.comment') },
        2: { name: s('keyword.other.directive') },
        3: { name: s('keyword.operator.assignment') },
        4: { name: s('string.unquoted.directive-value') },
      },
    },
    'comment-line': {
      match: '^\\s*((#).*$)',
      captures: {
        1: { name: s('comment.line.number-sign') },
        2: { name: s('punctuation.definition.comment') },
      },
    },
    'first-command-name': {
      // The shell grammar only knows a command name at the start of a line or after a separator,
      // so the first word after RUN/CMD/ENTRYPOINT would stay plain: name it here, as it would.
      match:
        '\\G(?!(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|function|select|time|coproc|in)(?=[\\s;]|$))' +
        '(?![A-Za-z_][A-Za-z0-9_]*=)([A-Za-z0-9_.+/-][A-Za-z0-9_.+/:@-]*)(?=[\\s;|&]|$)',
      captures: { 1: { name: 'entity.name.function.call.shell entity.name.command.shell' } },
    },
    // `RUN <<EOF`: the body is the script.
    'heredoc-shell': heredoc(true, {
      contentName: 'meta.embedded.block.shell',
      patterns: [{ include: 'source.shell' }],
    }),
    // `RUN python3 <<EOF`, `COPY <<EOF /etc/motd`: the body is data; the rest of the opening line is
    // still the command (`cat <<EOF > /etc/motd`).
    'heredoc-data': heredoc(false, {
      patterns: [
        { begin: '\\G(?=.*\\S)', end: '$', patterns: [{ include: 'source.shell' }] },
        { match: '^.+$', name: s('string.unquoted.heredoc') },
      ],
    }),
    ...escapeDependentRules('\\', ''),
    ...escapeDependentRules('`', '-bt'),
  },
};

export const grammarPath = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'dockerfile.tmLanguage.json',
);
export const grammarJson = JSON.stringify(grammar, null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(grammarPath, grammarJson);
  console.log(`wrote ${grammarPath}`);
}
