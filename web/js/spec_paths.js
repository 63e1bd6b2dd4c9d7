// Where each JSON path of a spec sits in its text, so that a validation error
// ({path: "stages[1].runtime_hours", message}) can be shown beside the line it names.
// Paths use the server's form: `key.key`, `key[index]`; the root is "spec".

// Returns {lines: Map(path -> 1-based line), error: null | {line, message}}. A syntax error
// stops the scan; the paths read so far are kept.
export function pathLines(text) {
  const lines = new Map([['spec', 1], ['', 1]]);
  let i = 0;
  let line = 1;
  const fail = (what) => {
    const err = new SyntaxError(`${what} at line ${line}`);
    err.line = line;
    throw err;
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const expect = (c) => {
    ws();
    if (text[i] !== c) fail(`expected '${c}'`);
    i++;
  };
  const string = () => {
    ws();
    const start = i;
    expect('"');
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return fail('bad string');
    }
  };
  const join = (parent, key) => (parent ? `${parent}.${key}` : key);
  const value = (path) => {
    ws();
    if (text[i] === '{') return object(path);
    if (text[i] === '[') return array(path);
    if (text[i] === '"') return string();
    const m = /^[-+\w.]+/.exec(text.slice(i, i + 64));
    if (!m) fail('unexpected character');
    i += m[0].length;
  };
  const object = (path) => {
    expect('{');
    ws();
    if (text[i] === '}') return i++;
    for (;;) {
      ws();
      const keyLine = line;
      const key = join(path, string());
      lines.set(key, keyLine);
      expect(':');
      value(key);
      ws();
      if (text[i] === ',') i++;
      else return expect('}');
    }
  };
  const array = (path) => {
    expect('[');
    ws();
    if (text[i] === ']') return i++;
    for (let n = 0; ; n++) {
      ws();
      lines.set(`${path}[${n}]`, line);
      value(`${path}[${n}]`);
      ws();
      if (text[i] === ',') i++;
      else return expect(']');
    }
  };
  try {
    value('');
    return { lines, error: null };
  } catch (e) {
    return { lines, error: { line: e.line || line, message: e.message } };
  }
}

// The line of `path`, or of its nearest ancestor present in the text (a missing key is
// reported on its parent). 1 when nothing matches.
export function lineOf(lines, path) {
  let p = path;
  while (p) {
    if (lines.has(p)) return lines.get(p);
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return 1;
}
