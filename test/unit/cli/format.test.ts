import * as assert from 'node:assert/strict';
import { formatInspect, formatRows, tabulate, TemplateError } from '../../../engine/src/cli/render/format';
import { executeTemplate, parseTemplate } from '../../../engine/src/cli/render/template';

const run = (template: string, data: unknown) => executeTemplate(parseTemplate(template), data);

const container = {
  Id: 'f00dcafe1234',
  Name: '/web',
  Config: { Env: ['PATH=/bin', 'A=1'], Labels: { tier: 'front', app: 'shop' }, Cmd: null, Tty: false },
  NetworkSettings: { Networks: { bridge: { IPAddress: '10.88.0.2' }, back: { IPAddress: '10.89.0.3' } } },
  Mounts: [],
  RestartCount: 3,
};

describe('--format templates (Go text/template subset)', () => {
  it('prints fields, nested fields and values as Go %v prints them', () => {
    assert.equal(run('{{.Id}}', container), 'f00dcafe1234');
    assert.equal(run('{{.Config.Env}}', container), '[PATH=/bin A=1]');
    assert.equal(run('{{.Config.Labels}}', container), 'map[app:shop tier:front]');
    assert.equal(run('{{.Config.Cmd}} {{.Config.Tty}} {{.RestartCount}}', container), '<nil> false 3');
    assert.equal(run('{{.Nope}}', container), '<no value>');
    assert.equal(run('{{.Config.Nope.Deeper}}', container), '<no value>');
    assert.equal(run('{{json .Config.Labels}}', container), '{"tier":"front","app":"shop"}');
    assert.equal(run('{{json .}}', { A: 1 }), '{"A":1}');
  });

  it('has index, range (with variables), if/else, with and pipelines', () => {
    assert.equal(run('{{index .Config.Labels "tier"}}', container), 'front');
    assert.equal(run('{{range .Config.Env}}{{.}};{{end}}', container), 'PATH=/bin;A=1;');
    assert.equal(
      run('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}', container),
      'app=shop tier=front ',
    );
    assert.equal(
      run('{{range $n, $c := .NetworkSettings.Networks}}{{$n}}:{{$c.IPAddress}} {{end}}', container),
      'back:10.89.0.3 bridge:10.88.0.2 ',
    );
    assert.equal(run('{{range .Mounts}}x{{else}}none{{end}}', container), 'none');
    assert.equal(
      run('{{if .Config.Tty}}tty{{else if .RestartCount}}restarted{{else}}no{{end}}', container),
      'restarted',
    );
    assert.equal(run('{{with .Config}}{{len .Env}}{{end}}', container), '2');
    assert.equal(run('{{.Name | upper}}', container), '/WEB');
    assert.equal(run('{{join .Config.Env ","}}', container), 'PATH=/bin,A=1');
    assert.equal(run('{{printf "%s-%d" .Name .RestartCount}}', container), '/web-3');
    assert.equal(run('{{index .NetworkSettings.Networks "bridge"}}', container), 'map[IPAddress:10.88.0.2]');
    assert.equal(run('{{(index .NetworkSettings.Networks "bridge").IPAddress}}', container), '10.88.0.2');
    assert.equal(run('{{(index .Config.Env 1)}}', container), 'A=1');
    assert.equal(run('a  {{- " b " -}}  c', {}), 'a b c');
    assert.equal(run('{{/* a comment */}}x', {}), 'x');
  });

  it('reports template errors in Go words', () => {
    assert.throws(() => parseTemplate('{{.ID'), /unclosed action/);
    assert.throws(() => parseTemplate('{{nope .ID}}'), /function "nope" not defined/);
    assert.throws(() => parseTemplate('{{range .X}}'), /unexpected EOF/);
    assert.throws(() => parseTemplate('{{end}}'), /unexpected \{\{end\}\}/);
    assert.throws(() => run('{{.Name.First}}', { Name: 'x' }), /can't evaluate field First in type string/);
    assert.throws(() => formatRows([1], [], '{{.A', () => ({})), TemplateError);
    assert.throws(
      () => formatRows([1], [], '{{.A', () => ({})),
      /^TemplateError: template parsing error: template: :1: unclosed action/,
    );
  });
});

describe('--format for listings and inspect', () => {
  const rows = [
    { id: 'abc123', image: 'busybox', names: 'web' },
    { id: 'def456', image: 'registry.local/app:1', names: 'api' },
  ];
  const columns = [
    { header: 'CONTAINER ID', field: 'ID', value: (r: (typeof rows)[0]) => r.id },
    { header: 'IMAGE', field: 'Image', value: (r: (typeof rows)[0]) => r.image },
    { header: 'NAMES', field: 'Names', value: (r: (typeof rows)[0]) => r.names },
  ];
  const fields = (r: (typeof rows)[0]) => ({ ID: r.id, Image: r.image, Names: r.names });

  it('draws the default table like tabwriter (min width 10, padding 3)', () => {
    assert.equal(
      formatRows(rows, columns, undefined, fields),
      'CONTAINER ID   IMAGE                  NAMES\n' +
        'abc123         busybox                web\n' +
        'def456         registry.local/app:1   api\n',
    );
    assert.equal(formatRows([], columns, 'table', fields), 'CONTAINER ID   IMAGE     NAMES\n');
  });

  it('takes json, table templates and plain templates', () => {
    assert.equal(
      formatRows(rows, columns, 'json', fields),
      '{"ID":"abc123","Image":"busybox","Names":"web"}\n{"ID":"def456","Image":"registry.local/app:1","Names":"api"}\n',
    );
    assert.equal(formatRows(rows, columns, '{{.Names}}', fields), 'web\napi\n');
    assert.equal(
      formatRows(rows, columns, '{{json .}}', fields).split('\n')[0],
      JSON.stringify(fields(rows[0])),
    );
    assert.equal(
      formatRows(rows, columns, 'table {{.ID}}\\t{{.Names}}', fields),
      'CONTAINER ID   NAMES\nabc123         web\ndef456         api\n',
    );
    assert.equal(
      formatRows(rows, columns, 'table {{.Names}}: {{.Nope}}', fields),
      'NAMES:\nweb: <no value>\napi: <no value>\n',
    );
  });

  it('prints inspect as an indented array or a template per object', () => {
    assert.equal(formatInspect([{ A: 1 }], undefined), '[\n    {\n        "A": 1\n    }\n]\n');
    assert.equal(formatInspect([{ A: 1 }], 'json'), '[\n    {\n        "A": 1\n    }\n]\n');
    assert.equal(formatInspect([container, { ...container, Name: '/db' }], '{{.Name}}'), '/web\n/db\n');
  });

  it('aligns wide characters by code point', () => {
    assert.equal(tabulate([['é', 'x']]), 'é         x\n');
  });
});
