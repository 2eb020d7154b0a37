#!/usr/bin/env node
// Checks a SAM/CloudFormation template against AWS's resource specification (@aws-cdk/aws-service-spec):
//  - every resource type exists (Custom::* aside);
//  - every property name exists on its type, and, for plain AWS::* types, in nested property objects too;
//  - every required property is present (top level and nested);
//  - Globals sections use properties of their AWS::Serverless::* type;
//  - Ref, Fn::GetAtt and ${...} in Fn::Sub name a parameter, a resource or a pseudo parameter, and Fn::GetAtt an
//    attribute the type has (not checked for AWS::Serverless::*, whose attributes are SAM's).
// The SAM part of the specification lags behind SAM itself, so AWS::Serverless::* types are checked at the top
// level only, with SAM_NEWER_PROPERTIES below as the only extra names allowed.
// Prints one line per problem, naming the resource's logical id; exits 1 when there is any, 2 when it cannot run.
// Usage: node check-template.mjs [template.yaml]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { isIntrinsic, readTemplate } from './cfn-yaml.mjs';

// Properties SAM documents that the specification's AWS::Serverless::* types do not list (checked against
// @aws-cdk/aws-service-spec 0.1.216). Keep this short: add a name only when SAM's own documentation has it, and
// drop it once the specification catches up.
const SAM_NEWER_PROPERTIES = {
  'AWS::Serverless::Function': [
    'LoggingConfig',            // Lambda advanced logging controls (log format, levels, log group)
    'RecursiveLoop',            // Lambda recursive loop detection
    'RuntimeManagementConfig',  // runtime version updates
    'SnapStart',                // Lambda SnapStart for Java
  ],
  'AWS::Serverless::StateMachine': [
    'AutoPublishAlias',         // state machine versions and aliases
    'DeploymentPreference',     // gradual deployment of a state machine alias
    'RolePath',                 // path of the generated role
    'UseAliasAsEventTarget',    // events target the alias, not the state machine
  ],
};

const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings',
  'Conditions', 'Transform', 'Resources', 'Outputs', 'Globals']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy',
  'UpdatePolicy', 'CreationPolicy', 'Metadata']);
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const GLOBALS = { Function: 'AWS::Serverless::Function', Api: 'AWS::Serverless::Api', HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable', StateMachine: 'AWS::Serverless::StateMachine',
  LayerVersion: 'AWS::Serverless::LayerVersion' };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const close = (name, candidates) => {
  const lower = name.toLowerCase();
  const hit = candidates.find((c) => c.toLowerCase() === lower || lev(c.toLowerCase(), lower) <= 2);
  return hit ? ` (did you mean '${hit}'?)` : '';
};
function lev(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function checkTemplate(template, db) {
  const problems = [];
  const report = (where, message) => problems.push(`${where}: ${message}`);
  const lookup = (type) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0];

  for (const key of Object.keys(template)) {
    if (!TOP_LEVEL.has(key)) report('template', `unknown top-level section '${key}'${close(key, [...TOP_LEVEL])}`);
  }
  const resources = isObject(template.Resources) ? template.Resources : {};
  if (Object.keys(resources).length === 0) report('template', 'no Resources');
  const parameters = isObject(template.Parameters) ? template.Parameters : {};

  // Property values against the specification's types (plain AWS::* types only).
  const checkValue = (where, path, value, type, out) => {
    if (value === undefined || isIntrinsic(value)) return;
    switch (type.type) {
      case 'ref': {
        if (!isObject(value)) {
          out.push(`${where}: ${path} must be an object`);
          return;
        }
        checkObject(where, path, value, db.get('typeDefinition', type.reference.$ref).properties, [], out);
        return;
      }
      case 'array':
        if (Array.isArray(value)) value.forEach((v, i) => checkValue(where, `${path}[${i}]`, v, type.element, out));
        else out.push(`${where}: ${path} must be a list`);
        return;
      case 'map':
        if (isObject(value)) Object.entries(value).forEach(([k, v]) => checkValue(where, `${path}.${k}`, v, type.element, out));
        return;
      case 'union': {
        // the member that fits best: no problems, or the fewest
        let best = null;
        for (const member of type.types) {
          const attempt = [];
          checkValue(where, path, value, member, attempt);
          if (best === null || attempt.length < best.length) best = attempt;
          if (attempt.length === 0) break;
        }
        out.push(...(best ?? []));
        return;
      }
      default:
        return; // scalars, json, tags: names are all this check is about
    }
  };
  // deep: also check the values of the known properties against their types
  const checkObject = (where, path, value, properties, extra, out, deep = true) => {
    const known = Object.keys(properties);
    for (const [name, v] of Object.entries(value)) {
      const at = `${path ? `${path}.` : ''}${name}`;
      if (!(name in properties) && !extra.includes(name)) {
        out.push(`${where}: unknown property '${at}'${close(name, known)}`);
      } else if (deep && name in properties) {
        checkValue(where, at, v, properties[name].type, out);
      }
    }
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && value[name] === undefined) {
        out.push(`${where}: missing required property '${path ? `${path}.` : ''}${name}'`);
      }
    }
  };

  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource)) {
      report(id, 'not an object');
      continue;
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.has(key)) report(id, `unknown resource attribute '${key}'${close(key, [...RESOURCE_KEYS])}`);
    }
    const type = resource.Type;
    if (typeof type !== 'string') {
      report(id, 'no Type');
      continue;
    }
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') continue;
    const spec = lookup(type);
    if (!spec) {
      report(`${id} (${type})`, `unknown resource type '${type}'`);
      continue;
    }
    const props = resource.Properties ?? {};
    if (!isObject(props)) {
      report(`${id} (${type})`, 'Properties must be an object');
      continue;
    }
    const where = `${id} (${type})`;
    if (type.startsWith('AWS::Serverless::')) {
      // top level only: the specification's nested SAM types are out of date
      checkObject(where, '', props, spec.properties, SAM_NEWER_PROPERTIES[type] ?? [], problems, false);
    } else {
      checkObject(where, '', props, spec.properties, [], problems);
    }
  }

  // Globals: each section's properties must be properties of its type.
  if (template.Globals !== undefined) {
    for (const [section, values] of Object.entries(isObject(template.Globals) ? template.Globals : {})) {
      const type = GLOBALS[section];
      if (!type) {
        report('Globals', `unknown section '${section}'${close(section, Object.keys(GLOBALS))}`);
        continue;
      }
      const spec = lookup(type);
      const allowed = [...Object.keys(spec?.properties ?? {}), ...(SAM_NEWER_PROPERTIES[type] ?? [])];
      for (const name of Object.keys(isObject(values) ? values : {})) {
        if (!allowed.includes(name)) report(`Globals.${section}`, `unknown property '${name}'${close(name, allowed)}`);
      }
    }
  }

  // References: Ref, Fn::GetAtt, ${...} in Fn::Sub.
  const conditions = isObject(template.Conditions) ? template.Conditions : {};
  const refTarget = (where, name, locals = {}) => {
    if (PSEUDO.has(name) || name in parameters || name in resources || name in locals) return;
    report(where, `reference to unknown '${name}'${close(name, [...Object.keys(parameters), ...Object.keys(resources)])}`);
  };
  const attribute = (where, target, attr) => {
    const resource = resources[target];
    if (!resource) {
      report(where, `Fn::GetAtt of unknown resource '${target}'${close(target, Object.keys(resources))}`);
      return;
    }
    if (typeof resource.Type !== 'string' || resource.Type.startsWith('AWS::Serverless::')
        || resource.Type.startsWith('Custom::') || typeof attr !== 'string') return;
    const spec = lookup(resource.Type);
    if (spec && !(attr in spec.attributes)) {
      report(where, `Fn::GetAtt ${target}.${attr}: ${resource.Type} has no attribute '${attr}'${close(attr, Object.keys(spec.attributes))}`);
    }
  };
  const walk = (where, value) => {
    if (Array.isArray(value)) {
      value.forEach((v) => walk(where, v));
      return;
    }
    if (!isObject(value)) return;
    if (isIntrinsic(value)) {
      const [fn, arg] = Object.entries(value)[0];
      if (fn === 'Ref' && typeof arg === 'string') refTarget(where, arg);
      if (fn === 'Condition' && typeof arg === 'string' && !(arg in conditions)) report(where, `unknown condition '${arg}'`);
      if (fn === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string' && !(arg[0] in conditions)) {
        report(where, `Fn::If on unknown condition '${arg[0]}'`);
      }
      if (fn === 'Fn::GetAtt' && Array.isArray(arg)) attribute(where, arg[0], arg[1]);
      if (fn === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = m[1].trim();
            if (name.includes('.') && !(name in (vars ?? {}))) attribute(where, name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1));
            else refTarget(where, name, vars ?? {});
          }
        }
        walk(where, vars);
        return;
      }
      walk(where, arg);
      return;
    }
    Object.values(value).forEach((v) => walk(where, v));
  };
  for (const [id, resource] of Object.entries(resources)) {
    walk(`${id} (${resource?.Type})`, resource?.Properties);
    if (resource?.Condition !== undefined && !(resource.Condition in conditions)) report(id, `unknown condition '${resource.Condition}'`);
    for (const dep of [resource?.DependsOn ?? []].flat()) {
      if (!(dep in resources)) report(id, `DependsOn unknown resource '${dep}'`);
    }
  }
  walk('Globals', template.Globals);
  walk('Conditions', template.Conditions);
  walk('Rules', template.Rules);
  for (const [id, output] of Object.entries(isObject(template.Outputs) ? template.Outputs : {})) walk(`Output ${id}`, output);
  return problems;
}

// As a script
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const path = process.argv[2] ?? '../template.yaml';
  let problems;
  try {
    problems = checkTemplate(readTemplate(path), loadAwsServiceSpecSync());
  } catch (e) {
    console.error(`check-template: ${e.message}`);
    process.exit(2);
  }
  if (problems.length > 0) {
    console.error(`${path}: ${problems.length} problem(s):`);
    problems.forEach((p) => console.error(`  ${p}`));
    process.exit(1);
  }
  console.log(`${path}: ok (resource types, property names, required properties, references)`);
}
