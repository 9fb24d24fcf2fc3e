#!/usr/bin/env node
// Judges Mermaid diagrams with Mermaid's own parser (the pinned `mermaid` package, no browser).
//
//   node tools/mermaid_check.mjs FILE...      one diagram per file
//   node tools/mermaid_check.mjs < FILE       one diagram on stdin (reported as <stdin>)
//
// Prints nothing for a valid diagram. For an invalid one, one error on stderr: `FILE: <message>`,
// Mermaid's message as Mermaid words it; a message of several lines continues on lines indented by
// two spaces. Exit status: 0 all valid, 1 some invalid, 2 could not check (unreadable file, mermaid
// or jsdom missing), so a broken install is never mistaken for a verdict.
//
// A diagram is valid when mermaid.parse() accepts it (the diagram type detected by Mermaid) and it
// is within the limits Mermaid's renderer applies with its default configuration (read from
// mermaid.mermaidAPI.defaultConfig, the defaults of mermaid's config.schema.yaml):
// - maxTextSize (50000): render() draws "Maximum text size in diagram exceeded" instead of a diagram
//   whose text is longer. Mermaid measures the text after removing front matter, directives and
//   `%%` comment lines; this checks the whole text, which is never shorter: a bound on the safe side.
// - maxEdges (500): the flowchart db refuses the 501st edge during parse ("Edge limit exceeded");
//   the edges are also counted from the parsed diagram's db (getEdges()) for any diagram type
//   whose db has it.
// mermaid 12.3.0 declares Node >= 22.12, but parsing works on Node 20 (the tests run there).
//
// What a flowchart label may hold (found with this checker and the parsed db, mermaid 12.3.0),
// for a node `id["label"]`, a subgraph `subgraph id["title"]` and an edge `A -->|"label"| B`:
// - Always quote: unquoted, `id[label]` fails on ( ) [ ] { } | and ".
// - Quoted, everything parses but `"`: spaces / \ ( ) [ ] { } | ; : , . ' & * + = ? ! @ $ ^ ~ -->
//   and non-ASCII all pass. A `"` inside ends the string: `"a"b"` and `"a "b" c"` fail, but
//   `"say "hi""` parses as `say hi` (quotes lost, unseen by the checker); `\"` is no escape (`\` is
//   kept as is). Write every `"` as `#quot;`.
// - `#word;` and `#digits;` anywhere in the text are Mermaid's entity codes, turned into `&word;`
//   and `&#digits;` when drawn: `#quot;`, `#35;` (#), `#lt;` `#gt;`, `#amp;`, `#9829;`. So `C#` and
//   `a#` are literal, but `a#b;c` would draw `a&b;c`: write `#` as `#35;` when `\w+;` follows it.
// - `<` followed by a letter, `/`, `!` or `?` starts HTML that DOMPurify filters (default
//   securityLevel strict): `x<y>z` is stored as `xz`, `a</b` as `a`, `<script>..` vanishes, `<b>`
//   stays markup (`<` before a space or digit is kept as `&lt;`). Parse still succeeds, so the
//   checker cannot catch it: write `<` and `>` as `#lt;` and `#gt;`, and `&` as `#amp;` (a raw
//   `&lt;` would draw `<`). `<br>` is the line break.
// - A raw line break inside the quotes parses, but a continuation line starting with `%%` is cut
//   out as a comment (parse error): use `<br>`. `%%` inside a line is kept.
// - A backtick right after the opening quote starts a Markdown string ("`...`"): "`a" and "`a` b"
//   fail. Write a leading ` as `#96;`; backticks elsewhere pass.
// - An empty label `id[""]` fails (`id[" "]` passes).
// Node IDs: `end`, `graph`, `style`, `class` fail as IDs; `click ...` parses as a click statement
// (no node); `A---ob` is an edge with a circle end to node `b`: use IDs like `n_<word chars>`,
// spaces around arrows. `%%` comments must be on their own line (`A["x"] %% c` fails).

import { readFileSync } from "node:fs";

const INDENT = "  ";
const MAX_MESSAGE = 2000; // Mermaid quotes the whole text in some messages: keep a report readable

function formatError(name, message) {
  let text = String(message).trimEnd();
  if (text.length > MAX_MESSAGE) {
    text = `${text.slice(0, MAX_MESSAGE)}... (${text.length - MAX_MESSAGE} more characters)`;
  }
  return `${name}: ${text.split("\n").join(`\n${INDENT}`)}`;
}

async function loadMermaid() {
  // DOMPurify (inside mermaid) binds to the global window when mermaid is imported: give it one.
  const { JSDOM, VirtualConsole } = await import("jsdom");
  const { window } = new JSDOM("<!DOCTYPE html><body></body>", { virtualConsole: new VirtualConsole() });
  globalThis.window = window;
  globalThis.document = window.document;
  const { default: mermaid } = await import("mermaid");
  return mermaid;
}

async function check(mermaid, limits, text) {
  if (text.length > limits.maxTextSize) {
    return (
      `Maximum text size in diagram exceeded: ${text.length} characters, but the limit is ${limits.maxTextSize} ` +
      `(mermaid's maxTextSize; its renderer draws this message instead of the diagram)`
    );
  }
  try {
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const edges = typeof diagram.db.getEdges === "function" ? diagram.db.getEdges() : [];
    if (edges.length > limits.maxEdges) {
      return `Edge limit exceeded. ${edges.length} edges found, but the limit is ${limits.maxEdges} (mermaid's maxEdges)`;
    }
  } catch (error) {
    return error?.message ?? String(error);
  }
  return null;
}

async function main(args) {
  const sources = args.length > 0 ? args.map((name) => [name, name]) : [["<stdin>", 0]];
  const diagrams = sources.map(([name, source]) => [name, readFileSync(source, "utf8")]);
  const mermaid = await loadMermaid();
  mermaid.initialize({ startOnLoad: false });
  const { maxTextSize, maxEdges } = mermaid.mermaidAPI.defaultConfig;
  if (!Number.isInteger(maxTextSize) || !Number.isInteger(maxEdges)) {
    throw new Error(`mermaid's default config has no maxTextSize/maxEdges (${maxTextSize}, ${maxEdges})`);
  }
  let invalid = 0;
  for (const [name, text] of diagrams) {
    const error = await check(mermaid, { maxTextSize, maxEdges }, text);
    if (error !== null) {
      invalid += 1;
      process.stderr.write(`${formatError(name, error)}\n`);
    }
  }
  return invalid === 0 ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // A missing file is the caller's mistake (its message suffices); anything else is a bug: the stack.
  const detail = error?.code === "ENOENT" || error?.code === "EACCES" ? error.message : (error?.stack ?? error);
  process.stderr.write(`mermaid_check: cannot check: ${detail}\n`);
  process.exitCode = 2;
}
