// Random Dockerfile text and random edits of it, from a fixed seed (so a failure replays exactly):
// shared by the parser's fuzz test and the tests that compare incremental parses with full ones.

/** mulberry32: a small seeded generator, so a failure replays exactly. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pieces = [
  ...'\\`\n\r \t#${}"\'<-=[],:/*?!@.%+~'.split(''),
  'FROM ',
  'RUN ',
  'COPY ',
  'ADD ',
  'ENV ',
  'ARG ',
  'LABEL ',
  'ONBUILD ',
  'HEALTHCHECK ',
  'CMD ',
  'SHELL ',
  'EXPOSE ',
  'onbuild run ',
  ' AS ',
  '--mount=type=cache,target=/x ',
  '--from=',
  '--',
  '<<EOF',
  '<<-"EOF"',
  "<<'E'",
  'EOF',
  '\tEOF',
  '\\\n',
  '`\n',
  '\r\n',
  '# escape=`\n',
  '# syntax=x\n',
  '# check=skip=all\n',
  '${A:-b}',
  '${A//x/y}',
  '${',
  '$A',
  '["a", "b"]',
  '[1]',
  '["\\u0024',
  'x=y ',
  'é',
  '😀',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud800',
  'a',
  'z',
  '0',
];

export function randomText(next: () => number, maxPieces: number): string {
  let out = '';
  const count = Math.floor(next() * maxPieces);
  for (let i = 0; i < count; i++) out += pieces[Math.floor(next() * pieces.length)];
  return out;
}

export function mutate(text: string, next: () => number): string {
  const at = () => Math.floor(next() * (text.length + 1));
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const a = at();
    const b = Math.min(text.length, a + Math.floor(next() * 40));
    switch (Math.floor(next() * 5)) {
      case 0:
        text = text.slice(0, a) + text.slice(b);
        break;
      case 1:
        text = text.slice(0, a) + randomText(next, 6) + text.slice(a);
        break;
      case 2:
        text = text.slice(0, b) + text.slice(a, b) + text.slice(b);
        break;
      case 3:
        text = text.slice(0, a);
        break;
      default:
        text = text.slice(0, a) + pieces[Math.floor(next() * pieces.length)] + text.slice(b);
    }
  }
  return text;
}
