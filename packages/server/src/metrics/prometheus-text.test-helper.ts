import assert from 'node:assert/strict';

/** One metric family parsed back from the Prometheus text format (0.0.4). */
export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

/**
 * A strict reader of the text exposition format, for tests: every sample must belong to a family
 * announced by `# HELP` and `# TYPE` lines before it, names and labels must be well-formed, and
 * values must be numbers. Throws (assert) on anything else.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  assert.ok(text.endsWith('\n'), 'the exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const [, name = '', help = ''] = /^# HELP (\S+) (.*)$/.exec(line) ?? [];
      assert.match(name, METRIC_NAME, `bad metric name in ${line}`);
      assert.ok(!families.has(name), `family ${name} announced twice`);
      current = { name, help, type: '', samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, name, type = ''] = /^# TYPE (\S+) (\S+)$/.exec(line) ?? [];
      assert.equal(name, current?.name, `TYPE for ${name} without its HELP`);
      assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type), `bad type ${type}`);
      current!.type = type;
      continue;
    }
    assert.ok(!line.startsWith('#'), `unexpected comment ${line}`);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `bad sample line ${line}`);
    const [, name = '', rawLabels = '', rawValue = ''] = m;
    assert.ok(current && current.type !== '', `sample ${name} before its HELP/TYPE`);
    const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : current.type === 'summary' ? ['', '_sum', '_count'] : [''];
    assert.ok(suffixes.some((s) => name === current!.name + s), `sample ${name} does not belong to ${current.name}`);
    // The format's spellings are exactly `NaN`, `+Inf`, `-Inf` (Go's parser forgives case; others do not).
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    assert.ok(rawValue === 'NaN' || !Number.isNaN(value), `bad value in ${line}`);
    current.samples.push({ name, labels: parseLabels(rawLabels, line), value });
  }
  return families;
}

function parseLabels(raw: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < raw.length) {
    const m = LABEL.exec(raw);
    assert.ok(m, `bad labels in ${line}`);
    const [, key = '', value = ''] = m;
    assert.ok(!(key in labels), `label ${key} twice in ${line}`);
    labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** The one sample of `family` whose labels include `labels`. */
export function sample(families: Map<string, ParsedFamily>, family: string, labels: Record<string, string> = {}, name = family): number {
  const f = families.get(family);
  assert.ok(f, `no family ${family}`);
  const found = f.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(found.length, 1, `${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return found[0]!.value;
}
