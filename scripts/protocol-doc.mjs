// Generates docs/protocol.md from shared/protocol.ts, the one wire contract:
//   node scripts/protocol-doc.mjs > docs/protocol.md
// The module gives the methods, the zod schemas (field names, types, limits) and RequestErrors;
// its source text gives the doc comments (each def's Direction, Params, Result and Errors, each
// field's comment, and the free-standing `# Title` sections). test/server/protocol-doc.test.mjs
// fails when the committed file differs from what this prints. Node 24 (it strips TypeScript).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protocol from '../shared/protocol.ts';

export const PROTOCOL_SOURCE = fileURLToPath(new URL('../shared/protocol.ts', import.meta.url));
export const REGENERATE = 'node scripts/protocol-doc.mjs > docs/protocol.md';

const SECTION_LABELS = ['Direction', 'Params', 'Result', 'Errors'];

// ---------------------------------------------------------------------------
// Source text: doc comments and statement spans
// ---------------------------------------------------------------------------

/** The text of a `/** … *\/` block, without the delimiters and the leading ` * ` of each line. */
export function cleanDoc(block) {
  const lines = block
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trimEnd());
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines.at(-1).trim()) lines.pop();
  return lines.length === 1 ? lines[0].trim() : lines.join('\n');
}

/** Index of `export const <name> =` (or `… : Type =`) in the source; -1 when absent. */
function declarationIndex(source, name) {
  const m = new RegExp(`^export const ${name}\\b`, 'm').exec(source);
  return m ? m.index : -1;
}

/** The doc comment right above `export const <name>`, cleaned; undefined when there is none. */
export function docAbove(source, name) {
  const at = declarationIndex(source, name);
  if (at < 0) return undefined;
  const before = source.slice(0, at).trimEnd();
  if (!before.endsWith('*/')) return undefined;
  const start = before.lastIndexOf('/**');
  return start < 0 ? undefined : cleanDoc(before.slice(start));
}

/**
 * The text of `export const <name> = …;`: up to the first `;` outside brackets, strings, template
 * literals and comments (the defs parsed here hold no regular expression literal).
 */
export function statementText(source, name) {
  const at = declarationIndex(source, name);
  if (at < 0) throw new Error(`shared/protocol.ts: no export const ${name}`);
  let depth = 0;
  for (let i = at; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i + 2) + 1;
    else if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (c === "'" || c === '"' || c === '`') i = endOfString(source, i);
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) return source.slice(at, i + 1);
  }
  throw new Error(`shared/protocol.ts: export const ${name} does not end`);
}

function endOfString(source, start) {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}

/** The top-level arguments of the first call in `text` (`request(a, b, c)` → ['a', 'b', 'c']). */
export function callArguments(text) {
  const open = text.indexOf('(');
  const args = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) + 1;
    else if (c === "'" || c === '"' || c === '`') i = endOfString(text, i);
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) {
        args.push(text.slice(from, i).trim());
        return args.filter(Boolean);
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  throw new Error(`unbalanced call: ${text.slice(0, 60)}`);
}

/** `/** doc *\/ field:` pairs in `text`, as a Map field -> doc (one line). */
export function fieldDocs(text) {
  const docs = new Map();
  for (const m of text.matchAll(/\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*(\w+)\s*:/g)) docs.set(m[2], oneLine(cleanDoc(`/**${m[1]}*/`)));
  return docs;
}

/** `/** doc *\/ 'value'` pairs in `text` (enum values), with those of arrays it spreads (`...ProvisionStages`). */
function valueDocs(source, text) {
  const docs = new Map();
  for (const spread of text.matchAll(/\.\.\.(\w+)/g)) for (const [k, v] of valueDocs(source, statementText(source, spread[1]))) docs.set(k, v);
  for (const m of text.matchAll(/\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*'([\w-]+)'/g)) docs.set(m[2], oneLine(cleanDoc(`/**${m[1]}*/`)));
  return docs;
}

/** The field docs of a named object schema, with those of the schema it `.extend`s. */
function namedFieldDocs(source, name) {
  const text = statementText(source, name);
  const base = /^export const \w+\s*=\s*(\w+)\.extend\(/.exec(text);
  const docs = base ? namedFieldDocs(source, base[1]) : new Map();
  for (const [k, v] of fieldDocs(text)) docs.set(k, v);
  return docs;
}

/** Free-standing doc blocks whose first line is `# Title`, in source order. */
export function titledBlocks(source) {
  const blocks = [];
  for (const m of source.matchAll(/\/\*\*\s*\n\s*\*\s*# ([^\n]+)\n([\s\S]*?)\*\//g)) {
    blocks.push({ title: m[1].trim(), text: cleanDoc(`/**${m[2]}*/`) });
  }
  return blocks;
}

/** Split a def's doc into its summary and its `Label:` sections. */
export function docSections(doc) {
  const out = { summary: '' };
  let current = 'summary';
  const parts = { summary: [] };
  for (const line of (doc ?? '').split('\n')) {
    const label = new RegExp(`^(${SECTION_LABELS.join('|')}):\\s?(.*)$`).exec(line);
    if (label) {
      current = label[1];
      parts[current] = label[2] ? [label[2]] : [];
    } else parts[current].push(line);
  }
  for (const [k, lines] of Object.entries(parts)) out[k] = lines.join('\n').trim();
  return out;
}

const oneLine = (text) => text.replace(/\s*\n\s*/g, ' ').trim();

// ---------------------------------------------------------------------------
// Schemas: types and limits as text
// ---------------------------------------------------------------------------

const isSchema = (v) => v !== null && typeof v === 'object' && '_zod' in v;

/** Every exported schema by identity, so a type prints as its name. */
function schemaNames() {
  const names = new Map();
  for (const [name, value] of Object.entries(protocol)) if (isSchema(value) && !names.has(value)) names.set(value, name);
  return names;
}

const anchor = (name) => name.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

/** ` (what 1..200)`, ` (what >= 1)`, ` (what <= 5000)` or '' (no bound; a safe-integer bound is none). */
function range(min, max, what) {
  const bound = (v) => (typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);
  const lo = bound(min);
  const hi = bound(max);
  const prefix = what ? `${what} ` : '';
  if (lo === undefined && hi === undefined) return '';
  if (lo !== undefined && hi !== undefined) return ` (${prefix}${lo}..${hi})`;
  return lo !== undefined ? ` (${prefix}>= ${lo})` : ` (${prefix}<= ${hi})`;
}

function lengthChecks(schema) {
  let min;
  let max;
  for (const c of schema.def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'min_length') min = d.minimum;
    if (d.check === 'max_length') max = d.maximum;
  }
  return { min, max };
}

/** A schema's type as markdown: named schemas link to their section. */
export function typeText(schema, names, { link = true } = {}) {
  const name = names.get(schema);
  if (name) return link ? `[${name}](#${anchor(name)})` : name;
  const def = schema.def;
  switch (def.type) {
    case 'optional':
      return typeText(def.innerType, names, { link });
    case 'default':
      return `${typeText(def.innerType, names, { link })}, default \`${JSON.stringify(def.defaultValue)}\``;
    case 'string': {
      const patterns = (def.checks ?? []).map((c) => c._zod.def).filter((d) => d.check === 'string_format' && d.format === 'regex');
      return `string${range(schema.minLength, schema.maxLength, 'length')}${patterns.map((p) => ` matching \`${p.pattern.source}\``).join('')}`;
    }
    case 'number':
      return `${schema.isInt ? 'integer' : 'number'}${range(schema.minValue, schema.maxValue, '')}`;
    case 'boolean':
    case 'unknown':
      return def.type;
    case 'literal':
      return def.values.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
    case 'enum':
      return Object.values(def.entries).map((v) => `\`'${v}'\``).join(' | ');
    case 'array': {
      const { min, max } = lengthChecks(schema);
      const element = typeText(def.element, names, { link });
      const bounds = range(min, max, 'length');
      return /^[\w[\]()#]+$/.test(element) && !bounds ? `${element}[]` : `array${bounds} of ${element}`;
    }
    case 'record':
      return `object: ${typeText(def.keyType, names, { link })} keys to ${typeText(def.valueType, names, { link })}`;
    case 'object': {
      const keys = Object.keys(def.shape);
      return keys.length ? `{ ${keys.join(', ')} }` : '`{}`';
    }
    default:
      return def.type;
  }
}

const isOptional = (schema) => schema.def.type === 'optional' || schema.def.type === 'default';

/** The fields of an object schema: name, type, whether optional, and the doc of its source comment. */
function fields(schema, docs, names) {
  return Object.entries(schema.def.shape).map(([name, s]) => ({ name, type: typeText(s, names), optional: isOptional(s), doc: docs.get(name) ?? '' }));
}

// ---------------------------------------------------------------------------
// The model: everything the page says, from the module and its source
// ---------------------------------------------------------------------------

const codeName = new Map(Object.entries(protocol.ErrorCodes).map(([name, code]) => [code, name]));

export function model(source = readFileSync(PROTOCOL_SOURCE, 'utf8')) {
  const names = schemaNames();
  const def = (key, kind) => {
    const d = (kind === 'request' ? protocol.Requests : protocol.Notifications)[key];
    const args = callArguments(statementText(source, key));
    // An identifier (`Empty`, module-private) has no field docs here; an exported one prints as its name.
    const argDocs = (text) => (/^\w+$/.test(text) ? new Map() : fieldDocs(text));
    const shape = (schema, text) => (names.has(schema) ? { named: names.get(schema) } : { fields: fields(schema, argDocs(text), names) });
    const sections = docSections(docAbove(source, key));
    for (const label of kind === 'request' ? SECTION_LABELS : ['Direction', 'Params']) {
      if (!sections[label]) throw new Error(`shared/protocol.ts: the doc comment of ${key} has no "${label}:" section`);
    }
    return {
      key,
      kind,
      method: d.method,
      doc: docAbove(source, key),
      sections,
      params: shape(d.params, args[1]),
      ...(kind === 'request' ? { result: shape(d.result, args[2]), errors: protocol.RequestErrors[key] } : {}),
    };
  };
  const named = (name) => {
    const schema = protocol[name];
    const text = statementText(source, name);
    return {
      name,
      doc: docAbove(source, name) ?? '',
      ...(schema.def.type === 'enum'
        ? { values: Object.values(schema.def.entries).map((v) => ({ value: v, doc: valueDocs(source, text).get(v) ?? '', label: protocol.statusLabel[v] })) }
        : { fields: fields(schema, namedFieldDocs(source, name), names) }),
    };
  };
  const shapeNames = [...names.values()].sort((a, b) => declarationIndex(source, a) - declarationIndex(source, b));
  return {
    protocolVersion: protocol.PROTOCOL_VERSION,
    errorCodes: Object.entries(protocol.ErrorCodes).map(([name, code]) => ({ name, code, doc: fieldDocs(statementText(source, 'ErrorCodes')).get(name) ?? '' })),
    blocks: titledBlocks(source),
    initialize: named('InitializationOptions'),
    serverInfo: named('FoundryServerInfo'),
    sidecarInfo: named('SidecarInfo'),
    requests: Object.keys(protocol.Requests).map((k) => def(k, 'request')),
    notifications: Object.keys(protocol.Notifications).map((k) => def(k, 'notification')),
    shapes: shapeNames.filter((n) => !['InitializationOptions', 'FoundryServerInfo', 'SidecarInfo'].includes(n)).map(named),
  };
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const codes = (list) => list.map((c) => `\`${c}\` ${codeName.get(c)}`).join(', ');

function fieldTable(list) {
  if (!list.length) return '';
  const rows = list.map((f) => `| \`${f.name}\`${f.optional ? ' (optional)' : ''} | ${cell(f.type)} | ${cell(f.doc)} |`);
  return ['| Field | Type | Description |', '|---|---|---|', ...rows].join('\n') + '\n';
}

function shapeText(shape) {
  return shape.named ? `Type: [${shape.named}](#${anchor(shape.named)}).\n` : fieldTable(shape.fields);
}

function renderDef(d) {
  const s = d.sections;
  const out = [`### \`${d.method}\``, '', `\`${d.key}\` (${d.kind}).`, '', s.summary, ''];
  out.push(`**Direction:** ${s.Direction}`, '');
  out.push(`**Params:** ${s.Params}`, '', shapeText(d.params));
  if (d.kind === 'request') {
    out.push(`**Result:** ${s.Result}`, '', shapeText(d.result));
    out.push(`**Errors:** ${codes(d.errors)}.`, '', s.Errors, '');
  }
  return out.join('\n');
}

function renderNamed(n, level = '###') {
  const out = [`${level} ${n.name}`, ''];
  if (n.doc) out.push(n.doc, '');
  if (n.values && n.values.every((v) => !v.doc && !v.label)) out.push(n.values.map((v) => `\`${v.value}\``).join(', '), '');
  else if (n.values) {
    const hasLabels = n.values.some((v) => v.label);
    out.push(hasLabels ? '| Value | Label | Description |' : '| Value | Description |', hasLabels ? '|---|---|---|' : '|---|---|');
    for (const v of n.values) out.push(hasLabels ? `| \`${v.value}\` | ${v.label ?? ''} | ${cell(v.doc)} |` : `| \`${v.value}\` | ${cell(v.doc)} |`);
    out.push('');
  } else out.push(fieldTable(n.fields));
  return out.join('\n');
}

export function render(m) {
  const block = (title) => {
    const b = m.blocks.find((x) => x.title.startsWith(title));
    if (!b) throw new Error(`shared/protocol.ts: no "# ${title}" doc block`);
    return [`## ${b.title}`, '', b.text, ''].join('\n');
  };
  const init = docSections(m.initialize.doc);
  const out = [
    '# The Foundry protocol',
    '',
    `<!-- Generated from shared/protocol.ts by \`${REGENERATE}\`. Do not edit: change the doc comments there. -->`,
    '',
    `Every request and notification between a client (the extension, the \`foundry\` CLI, the tests) and the sidecar, generated from [shared/protocol.ts](../shared/protocol.ts), protocol version ${m.protocolVersion}. It is LSP-style JSON-RPC 2.0 with Content-Length framing, over stdin/stdout (\`--stdio\`) or a local socket (\`--listen\`).`,
    '',
    '## Error codes',
    '',
    '| Code | Name | Meaning |',
    '|---|---|---|',
    ...m.errorCodes.map((e) => `| \`${e.code}\` | ${e.name} | ${cell(e.doc)} |`),
    '',
    block('Lifecycle'),
    '### `initialize`',
    '',
    init.summary,
    '',
    `**Direction:** ${init.Direction}`,
    '',
    `**Params:** ${init.Params}`,
    '',
    '`initializationOptions` (InitializationOptions):',
    '',
    fieldTable(m.initialize.fields),
    `**Result:** ${init.Result}`,
    '',
    renderNamed(m.serverInfo, '####'),
    `**Errors:**`,
    '',
    init.Errors,
    '',
    '## `D/sidecar.json`',
    '',
    renderNamed({ ...m.sidecarInfo, name: 'SidecarInfo' }, '###'),
    block('Admission'),
    '## Requests',
    '',
    '| Request | Method | Errors |',
    '|---|---|---|',
    ...m.requests.map((r) => `| [${r.key}](#${anchor(r.method)}) | \`${r.method}\` | ${r.errors.map((c) => `\`${c}\``).join(' ')} |`),
    '',
    ...m.requests.map(renderDef),
    '## Notifications',
    '',
    ...m.notifications.map(renderDef),
    '## Shapes',
    '',
    ...m.shapes.map((n) => renderNamed(n)),
  ];
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

export const generate = () => render(model());

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.stdout.write(generate());
