// Reads a CloudFormation/SAM template written in YAML, with the short forms of the intrinsic functions
// (!Ref, !GetAtt, !Sub, ...) turned into their long JSON forms ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...).
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const FUNCTIONS = ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join',
  'Length', 'Not', 'Or', 'Select', 'Split', 'Sub', 'ToJsonString', 'Transform'];

function longForm(name, value) {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const toJs = (node) => (node && typeof node.toJSON === 'function' ? node.toJSON() : node);

export const CFN_TAGS = ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => [
  { tag: `!${name}`, resolve: (str) => longForm(name, str) },
  { tag: `!${name}`, collection: 'seq', resolve: (seq) => longForm(name, toJs(seq)) },
  { tag: `!${name}`, collection: 'map', resolve: (map) => longForm(name, toJs(map)) },
]);

/** Parses the template; throws with every YAML error (an unknown tag is an error, not a warning). */
export function readTemplate(path) {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: CFN_TAGS, prettyErrors: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new Error(`${path}: not a valid template:\n  ${problems.map((e) => e.message).join('\n  ')}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** An intrinsic function or a Ref: its value is known only at deployment. */
export function isIntrinsic(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}
