import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chompHeredocContent, parseDockerfile, parseHeredocWord } from '../../../engine/src/dockerfile';
import { heredocMarkersInLine } from '../../../engine/src/dockerfile/heredocMarker';
import { fixturePath } from '../../helpers/fixtures';

describe('heredocs', () => {
  it("extracts the heredocs of BuildKit's heredoc test file", () => {
    const df = parseDockerfile(readFileSync(fixturePath('buildkit-heredoc', 'Dockerfile'), 'utf8'));
    const found = df.instructions
      .slice(1)
      .map((i) => i.heredocs.map((h) => [h.name, h.content, h.expand, h.chomp, h.fileDescriptor]));
    const h = (name: string, content: string, expand = true, chomp = false, fd = 0) => [
      name,
      content,
      expand,
      chomp,
      fd,
    ];
    assert.deepEqual(found, [
      [], // ENV NAME=me
      [], // RUN ls
      [], // USER <<INVALID
      [], // INVALID
      [h('EMPTY', '')],
      [h('EMPTY2', '', true, false, 3)],
      [], // RUN "<<NOHEREDOC"
      [h('INDENT', '\tfoo\n\tbar\n')],
      [h('UNINDENT', '\tbaz\n\tquux\n', true, true)],
      [h('UNINDENT2', '\tbaz\n\tquux\n', true, true)],
      [h('EXPAND', '\texpand $NAME\n', true, true)],
      [h('NOEXPAND', "\tdon't expand $NAME\n", false, true)],
      [h('COPY', 'echo hello world\necho foo bar\n')],
      [h('COMMENT', '# internal comment\necho hello world\necho foo bar # trailing comment\n')],
      [h('MOUNT', 'echo hello\n')],
      [h('FILE1', 'content 1\n'), h('FILE2', 'content 2\n')],
      [h('EOF', '"foo"\n\'bar\'\n')],
      [h('X', 'Y\n'), h('Y', 'X\n')],
      [h('COMPLEX', "print('hello world')\n")],
      [h('file.txt', 'hello world\n')],
      [h('eof', 'echo foo\n', false)],
      [h("eo'f", 'echo foo\n')],
      [h("eo'f", 'echo foo\n', false)],
      [h('one two', 'echo bar\n', false)],
      [h('$EOF', '')],
      [h('EOF', '')],
      [h('EOF', '')],
    ]);
  });

  it('finds the markers of a line as BuildKit does', () => {
    const cases: Array<[string, string[]]> = [
      ['RUN <<EOF', ['EOF']],
      ['RUN <<-EOF', ['EOF']],
      // `<<-` followed by a space splits into two words: BuildKit's code finds no heredoc here
      // (its own test of this line passes vacuously, as it only loops over what was found).
      ['RUN <<- EOF', []],
      ['RUN << -EOF', ['-EOF']],
      ["RUN <<'EOF'", ['EOF']],
      ['RUN 4<<EOF', ['EOF']],
      ['RUN <<EOF <<EOF2', ['EOF', 'EOF2']],
      ["RUN '<<EOF'", []],
      ['RUN "<<EOF"', []],
      ['RUN cat <<EOF>out', ['EOF>out']],
    ];
    for (const [line, names] of cases) {
      const markers = heredocMarkersInLine(line);
      assert.ok(Array.isArray(markers), line);
      assert.deepEqual(
        markers.map((m) => m.name),
        names,
        line,
      );
    }
  });

  it('tells heredoc words, plain words and malformed delimiters apart', () => {
    for (const word of [
      '<<EOF',
      "<<'EOF'",
      '<<"EOF"',
      '<<-EOF',
      "<<-'EOF'",
      '<<-"EOF"',
      '<<EO"F"',
      '<< EOF',
      '<<- EOF',
    ]) {
      const marker = parseHeredocWord(word);
      assert.ok(marker && !('error' in marker) && marker.name === 'EOF', word);
    }
    for (const word of ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh']) {
      assert.equal(parseHeredocWord(word), undefined, word);
    }
    for (const word of ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']) {
      const marker = parseHeredocWord(word);
      assert.ok(marker && 'error' in marker, word);
    }
  });

  it('chomps leading tabs of every line', () => {
    assert.equal(chompHeredocContent('\thello\n\t\tworld\n'), 'hello\nworld\n');
  });
});
