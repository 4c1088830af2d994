/**
 * The checks Studio's `POST /v2/Flows/Validate` makes that matter to the plugin: the
 * definition parses, names its initial state, has unique state names, and every
 * transition points at a state that exists.
 */
export interface FlowFailure {
  message: string;
  property_path: string;
}

export function parseDefinition(raw: unknown): { definition?: Record<string, any>; failures: FlowFailure[] } {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return { failures: [{ message: `Definition is not valid JSON: ${(err as Error).message}`, property_path: '#' }] };
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { failures: [{ message: 'Definition must be a JSON object', property_path: '#' }] };
  }
  const definition = value as Record<string, any>;
  return { definition, failures: checkDefinition(definition) };
}

export function checkDefinition(definition: Record<string, any>): FlowFailure[] {
  const failures: FlowFailure[] = [];
  const states = definition.states;
  if (!Array.isArray(states)) {
    failures.push({ message: 'states must be an array', property_path: '#/states' });
    return failures;
  }
  const names = new Map<string, number>();
  states.forEach((state: any, i: number) => {
    const at = `#/states/${i}`;
    if (!state || typeof state !== 'object') {
      failures.push({ message: 'a state must be an object', property_path: at });
      return;
    }
    if (typeof state.name !== 'string' || state.name === '') {
      failures.push({ message: 'a state needs a name', property_path: `${at}/name` });
    } else if (names.has(state.name)) {
      failures.push({ message: `state name "${state.name}" is not unique`, property_path: `${at}/name` });
    } else {
      names.set(state.name, i);
    }
    if (typeof state.type !== 'string' || state.type === '') {
      failures.push({ message: 'a state needs a type', property_path: `${at}/type` });
    }
  });
  if (typeof definition.initial_state !== 'string') {
    failures.push({ message: 'initial_state is required', property_path: '#/initial_state' });
  } else if (!names.has(definition.initial_state)) {
    failures.push({
      message: `initial_state "${definition.initial_state}" is not a state of the flow`,
      property_path: '#/initial_state',
    });
  }
  states.forEach((state: any, i: number) => {
    if (!state || typeof state !== 'object') return;
    if (state.transitions === undefined) return;
    if (!Array.isArray(state.transitions)) {
      failures.push({ message: 'transitions must be an array', property_path: `#/states/${i}/transitions` });
      return;
    }
    state.transitions.forEach((t: any, j: number) => {
      const at = `#/states/${i}/transitions/${j}`;
      if (!t || typeof t.event !== 'string') {
        failures.push({ message: 'a transition needs an event', property_path: `${at}/event` });
      }
      if (t && t.next !== undefined && t.next !== null && t.next !== '' && !names.has(t.next)) {
        failures.push({ message: `transition "${t.event}" goes to unknown state "${t.next}"`, property_path: `${at}/next` });
      }
    });
  });
  return failures;
}

/** Key-order independent JSON, so a re-saved identical definition is not a new revision. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as any)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
