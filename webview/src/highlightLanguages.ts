/**
 * The languages highlight.ts knows, as ordered token rules: at each position the first sticky
 * pattern that matches wins; text no rule matches stays plain. Light on purpose: comments,
 * strings, numbers, keywords, literals, types, function calls - enough to read code, not to parse it.
 */

export type Token = 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'type' | 'function' | 'property' | 'variable' | 'meta' | 'addition' | 'deletion' | 'section';

/** A rule's token, or a function that picks it from the match (undefined: plain text). */
type Classify = Token | ((text: string, code: string, end: number) => Token | undefined);

export interface Language {
  readonly rules: readonly (readonly [RegExp, Classify])[];
}

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

interface Words {
  keywords: Set<string>;
  literals: Set<string>;
  types?: Set<string>;
  /** A capitalised identifier is a type name (JS classes, Rust and Go types). */
  capitalTypes?: boolean;
}

/** Identifiers: keyword, literal or type by the word lists; a name followed by `(` is a call. */
function identifier(w: Words): Classify {
  return (text, code, end) => {
    if (w.keywords.has(text)) return 'keyword';
    if (w.literals.has(text)) return 'literal';
    if (w.types?.has(text)) return 'type';
    if (/^\s*\(/.test(code.slice(end, end + 20))) return 'function';
    if (w.capitalTypes && /^[A-Z][a-z0-9]/.test(text)) return 'type';
    return undefined;
  };
}

const number = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[a-zA-Z\d_]*/y;
const doubleQuoted = /"(?:\\[\s\S]|[^\\"\n])*"?/y;
const singleQuoted = /'(?:\\[\s\S]|[^\\'\n])*'?/y;
const lineComment = /\/\/.*/y;
const blockComment = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))/y;

const javascript: Language = {
  rules: [
    [lineComment, 'comment'],
    [blockComment, 'comment'],
    [/`(?:\\[\s\S]|[^\\`])*`?/y, 'string'],
    [doubleQuoted, 'string'],
    [singleQuoted, 'string'],
    [/@[A-Za-z_$][\w$]*/y, 'meta'],
    [number, 'number'],
    [
      /[A-Za-z_$][\w$]*/y,
      identifier({
        keywords: words(`abstract as async await break case catch class const continue debugger declare default delete do else enum
          export extends finally for from function get if implements import in instanceof interface keyof let namespace new of
          private protected public readonly return satisfies set static super switch throw try type typeof var void while with yield`),
        literals: words('true false null undefined NaN Infinity this'),
        types: words('string number boolean bigint symbol object any unknown never'),
        capitalTypes: true,
      }),
    ],
  ],
};

const json: Language = {
  rules: [
    [lineComment, 'comment'],
    [blockComment, 'comment'],
    [doubleQuoted, (_text, code, end) => (/^\s*:/.test(code.slice(end, end + 20)) ? 'property' : 'string')],
    [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y, 'number'],
    [/\b(?:true|false|null)\b/y, 'literal'],
  ],
};

const python: Language = {
  rules: [
    [/#.*/y, 'comment'],
    [/[rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$(?![\s\S]))|'''[\s\S]*?(?:'''|$(?![\s\S])))/y, 'string'],
    [/[rRbBuUfF]{1,2}(?="|')/y, 'string'],
    [doubleQuoted, 'string'],
    [singleQuoted, 'string'],
    [/@[A-Za-z_][\w.]*/y, 'meta'],
    [number, 'number'],
    [
      /[A-Za-z_]\w*/y,
      identifier({
        keywords: words(`and as assert async await break class continue def del elif else except finally for from global if import
          in is lambda match case nonlocal not or pass raise return try while with yield`),
        literals: words('True False None self cls'),
        types: words('int float str bool bytes list dict set tuple object'),
        capitalTypes: true,
      }),
    ],
  ],
};

const shell: Language = {
  rules: [
    [/\$\{[^}\n]*\}?|\$[A-Za-z_]\w*|\$[0-9@#?*!$-]/y, 'variable'],
    [/(?<![^\s;|&(])#.*/y, 'comment'],
    [/"(?:\\[\s\S]|[^\\"])*"?/y, 'string'],
    [/'[^']*'?/y, 'string'],
    [/(?<![\w-])--?[A-Za-z][\w-]*/y, 'property'],
    [/(?<![\w.-])\d+(?![\w.-])/y, 'number'],
    [
      /[A-Za-z_][\w-]*/y,
      (text) =>
        shellKeywords.has(text) ? 'keyword' : shellBuiltins.has(text) ? 'function' : undefined,
    ],
  ],
};
const shellKeywords = words('if then else elif fi for while until do done case esac in function select return break continue');
const shellBuiltins = words('echo cd export local readonly set unset source exit printf read test eval exec trap shift alias');

const diff: Language = {
  rules: [
    [/^(?:diff |index |\+\+\+ |--- |new file|deleted file|similarity|rename ).*/my, 'meta'],
    [/^@@.*/my, 'section'],
    [/^\+.*/my, 'addition'],
    [/^-.*/my, 'deletion'],
  ],
};

const rust: Language = {
  rules: [
    [lineComment, 'comment'],
    [blockComment, 'comment'],
    [/b?r(#*)"[\s\S]*?(?:"\1|$(?![\s\S]))/y, 'string'],
    [/b?"(?:\\[\s\S]|[^\\"])*"?/y, 'string'],
    [/b?'(?:\\(?:x[\da-fA-F]{2}|u\{[\da-fA-F]+\}|.)|[^\\'\n])'/y, 'string'],
    [/'[A-Za-z_]\w*/y, 'meta'],
    [/#!?\[[^\]\n]*\]?/y, 'meta'],
    [number, 'number'],
    [/[A-Za-z_]\w*!/y, 'function'],
    [
      /[A-Za-z_]\w*/y,
      identifier({
        keywords: words(`as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub
          ref return static struct super trait type unsafe use where while`),
        literals: words('true false self Self None Some Ok Err'),
        types: words('i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Result Box'),
        capitalTypes: true,
      }),
    ],
  ],
};

const go: Language = {
  rules: [
    [lineComment, 'comment'],
    [blockComment, 'comment'],
    [/`[^`]*`?/y, 'string'],
    [doubleQuoted, 'string'],
    [/'(?:\\[\s\S]|[^\\'\n])*'/y, 'string'],
    [number, 'number'],
    [
      /[A-Za-z_]\w*/y,
      identifier({
        keywords: words(`break case chan const continue default defer else fallthrough for func go goto if import interface map package
          range return select struct switch type var`),
        literals: words('true false nil iota'),
        types: words(`bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16
          uint32 uint64 uintptr any`),
      }),
    ],
  ],
};

const byName: Record<string, Language> = {
  js: javascript,
  javascript,
  jsx: javascript,
  mjs: javascript,
  cjs: javascript,
  ts: javascript,
  typescript: javascript,
  tsx: javascript,
  json,
  jsonc: json,
  json5: json,
  py: python,
  python,
  sh: shell,
  bash: shell,
  shell,
  zsh: shell,
  console: shell,
  diff,
  patch: diff,
  rs: rust,
  rust,
  go,
  golang: go,
};

/** The language of a fence's info string (`ts`, `Python`, `rust ignore`), if we know it. */
export function languageFor(info: string): Language | undefined {
  const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return Object.hasOwn(byName, name) ? byName[name] : undefined;
}
