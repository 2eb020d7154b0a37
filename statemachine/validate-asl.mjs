#!/usr/bin/env node
// Validates the state machine definition with asl-validator, after putting in the DefinitionSubstitutions.
//  1. Every ${Name} in the definition must be a DefinitionSubstitutions key of the state machine in the template
//     whose DefinitionUri is this file, and every key must be used (a typo on either side fails here, not at
//     deployment).
//  2. Each ${Name} is replaced by a well-formed dummy (an ARN for names ending in Arn, a bucket-like name
//     otherwise), so that what is validated looks like what Step Functions receives after deployment.
//  3. asl-validator (JSON schema of the States Language, transitions to existing states, terminal states, paths,
//     ARNs of Resource fields) must find no error.
// Usage: node validate-asl.mjs <definition.asl.json> <template.yaml>; exits 1 on a problem, 2 when it cannot run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve, dirname } from 'node:path';
import { readTemplate } from './cfn-yaml.mjs';

const aslValidator = createRequire(import.meta.url)('asl-validator');

const [definitionPath = 'ingest.asl.json', templatePath = '../template.yaml'] = process.argv.slice(2);
const problems = [];
try {
  const text = readFileSync(definitionPath, 'utf8');
  const template = readTemplate(templatePath);

  // the state machine this definition belongs to (DefinitionUri is relative to the template)
  const wanted = resolve(definitionPath);
  const machines = Object.entries(template.Resources ?? {}).filter(([, r]) => r?.Type === 'AWS::Serverless::StateMachine'
      && typeof r.Properties?.DefinitionUri === 'string'
      && resolve(dirname(templatePath), r.Properties.DefinitionUri) === wanted);
  if (machines.length !== 1) {
    problems.push(`${templatePath}: expected one AWS::Serverless::StateMachine with DefinitionUri `
        + `${relative(dirname(templatePath), wanted)}, found ${machines.length}`);
  }
  const substitutions = machines.length === 1 ? (machines[0][1].Properties.DefinitionSubstitutions ?? {}) : {};
  const used = new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]));
  for (const name of used) {
    if (!(name in substitutions)) problems.push(`${definitionPath}: \${${name}} is not in DefinitionSubstitutions`);
  }
  for (const name of Object.keys(substitutions)) {
    if (!used.has(name)) problems.push(`${templatePath}: DefinitionSubstitutions.${name} is not used in ${definitionPath}`);
  }

  const dummy = (name) => (name.endsWith('Arn')
    ? `arn:aws:lambda:eu-central-1:123456789012:function:${name.replace(/Arn$/, '')}`
    : `dummy-${name.toLowerCase()}`);
  const substituted = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name) => dummy(name));
  const definition = JSON.parse(substituted);
  const { isValid, errorsText } = aslValidator(definition, { checkPaths: true, checkArn: true });
  if (!isValid) problems.push(`${definitionPath}: asl-validator:\n    ${errorsText('\n    ')}`);
} catch (e) {
  console.error(`validate-asl: ${e.message}`);
  process.exit(2);
}
if (problems.length > 0) {
  problems.forEach((p) => console.error(p));
  process.exit(1);
}
console.log(`${definitionPath}: ok (asl-validator; DefinitionSubstitutions match ${templatePath})`);
