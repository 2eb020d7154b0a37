// Runs one ASL execution with aws-local-stepfunctions (JavaScript API, not the CLI) for DifferentialTest.
//
// stdin:  {"definition": {...}, "input": <json>, "tasks": {"<Resource>": {"kind": ..., ...}}}
// stdout: exactly one JSON line, either
//           {"status":"SUCCEEDED","output":<json>}
//           {"status":"FAILED","error":"...","cause":"..."}
//         or, when the runner itself cannot run the request (invalid definition, unknown task kind, ...),
//           {"status":"RUNNER_ERROR","message":"..."}   with exit code 2.
//
// Fake task kinds (FakeTasks.java implements the same ones):
//   echo                               returns its input
//   add                                returns {"sum": input.a + input.b}
//   constant  {value}                  returns value
//   fail      {error, cause}           throws error/cause every time
//   failTimes {times, error, cause}    throws error/cause the first `times` calls (counted per resource), then echoes
//
// aws-local-stepfunctions binds local task handlers, Retry pauses and Wait pauses by *state name*, not by Resource,
// so the runner walks the definition (including Map ItemProcessor/Iterator and Parallel Branches) and binds each Task
// state's name to the fake of its Resource. All Retry and Wait pauses are overridden to 0 ms, so nothing really sleeps.
import { StateMachine, ExecutionError } from 'aws-local-stepfunctions';

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function emit(obj, exitCode = 0) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(exitCode));
}

class RunnerError extends Error {}

function taskFailure(error, cause) {
  const e = new Error(cause ?? '');
  e.name = error;
  return e;
}

function makeFake(resource, spec) {
  switch (spec?.kind) {
    case 'echo':
      return async (input) => input;
    case 'add':
      return async (input) => ({ sum: input.a + input.b });
    case 'constant':
      return async () => structuredClone(spec.value);
    case 'fail':
      return async () => { throw taskFailure(spec.error, spec.cause); };
    case 'failTimes': {
      let calls = 0;
      return async (input) => {
        calls++;
        if (calls <= spec.times) throw taskFailure(spec.error, spec.cause);
        return input;
      };
    }
    default:
      throw new RunnerError(`unknown task kind ${JSON.stringify(spec?.kind)} for resource ${resource}`);
  }
}

function collectStates(machine, visit) {
  for (const [name, state] of Object.entries(machine?.States ?? {})) {
    visit(name, state);
    if (state.Type === 'Map') collectStates(state.ItemProcessor ?? state.Iterator, visit);
    if (state.Type === 'Parallel') for (const branch of state.Branches ?? []) collectStates(branch, visit);
  }
}

async function main() {
  const request = JSON.parse(await readStdin());
  const { definition, input = {}, tasks = {} } = request;

  const fakesByResource = new Map();
  for (const [resource, spec] of Object.entries(tasks)) fakesByResource.set(resource, makeFake(resource, spec));

  const taskResourceLocalHandlers = {};
  const resourceByStateName = {};
  const retryIntervalOverrides = {};
  const waitTimeOverrides = {};
  collectStates(definition, (name, state) => {
    if (state.Type === 'Task') {
      if (name in resourceByStateName && resourceByStateName[name] !== state.Resource) {
        throw new RunnerError(`Task state name ${name} is used with two resources; aws-local-stepfunctions binds handlers by state name`);
      }
      const fake = fakesByResource.get(state.Resource);
      if (!fake) throw new RunnerError(`no fake task for resource ${state.Resource} (state ${name})`);
      resourceByStateName[name] = state.Resource;
      taskResourceLocalHandlers[name] = fake;
    }
    if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
  });

  let machine;
  try {
    machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  } catch (e) {
    throw new RunnerError(`aws-local-stepfunctions rejected the definition: ${e.message}`);
  }
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides, waitTimeOverrides },
  });
  try {
    const output = await execution.result;
    emit({ status: 'SUCCEEDED', output: output === undefined ? null : output });
  } catch (e) {
    if (e instanceof ExecutionError) {
      const failure = e.cause;
      emit({ status: 'FAILED', error: String(failure?.name), cause: String(failure?.message ?? '') });
    } else {
      throw e;
    }
  }
}

main().catch((e) => emit({ status: 'RUNNER_ERROR', message: e instanceof RunnerError ? e.message : String(e?.stack ?? e) }, 2));
