import type { Actuator, KnowledgeStore, PolicyEngine, SecretStore } from '@agent/core';
import {
  type Attributes,
  type Span,
  SpanStatusCode,
  type Tracer,
  withSpan,
} from '@agent/observability';

// Spans for what the agent asks of its ports: each policy decision, secret
// read, actuator call and store query. Attributes are ids, names, categories
// and outcomes only: never parameters, log text, secret names or values.

function traced<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
  after: (span: Span, result: T) => void,
): Promise<T> {
  return withSpan(tracer, name, attributes, (span) =>
    run().then((result) => {
      after(span, result);
      return result;
    }),
  );
}

export function tracedPolicyEngine(engine: PolicyEngine, tracer: Tracer): PolicyEngine {
  return {
    name: engine.name,
    blastRadiusWindowSec: engine.blastRadiusWindowSec,
    blastRadiusMaxExecutions: engine.blastRadiusMaxExecutions,
    decide: (input) =>
      traced(
        tracer,
        'policy.decide',
        {
          'policy.engine': engine.name,
          'policy.phase': input.phase,
          'action.plugin': input.action.plugin,
          'action.operation': input.action.operation,
          'action.risk': input.action.risk,
        },
        () => engine.decide(input),
        (span, result) => span.setAttribute('policy.decision', result.decision),
      ),
  };
}

export function tracedSecretStore(store: SecretStore, tracer: Tracer): SecretStore {
  return {
    name: store.name,
    get: (name) =>
      traced(
        tracer,
        'secret.read',
        { 'secret.store': store.name },
        () => store.get(name),
        (span, value) => span.setAttribute('secret.found', value !== undefined),
      ),
  };
}

export function tracedActuator(actuator: Actuator, tracer: Tracer): Actuator {
  const wrapped: Actuator = {
    plugin: actuator.plugin,
    configured: actuator.configured,
    spec: actuator.spec,
    execute: (operation, params, context) =>
      traced(
        tracer,
        'actuator.execute',
        {
          'action.plugin': actuator.plugin,
          'action.operation': operation,
          'action.id': context.actionId,
          'actuator.dry_run': context.dryRun,
        },
        () => actuator.execute(operation, params, context),
        (span, result) => span.setAttribute('actuator.ok', result.ok),
      ),
  };
  if (actuator.unavailable) {
    const unavailable = actuator.unavailable.bind(actuator);
    wrapped.unavailable = (operation, params) => unavailable(operation, params);
  }
  return wrapped;
}

/**
 * The store with a `store.<method>` span around each asynchronous call. A
 * method that answers synchronously keeps answering synchronously; methods
 * run on the store itself, so its private state is untouched.
 */
export function tracedStore<S extends KnowledgeStore>(store: S, tracer: Tracer): S {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      // The store itself is `this` for getters and methods, so private fields work.
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = cache.get(property);
      if (known) return known;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || property === 'close') {
        const bound = method.bind(target);
        cache.set(property, bound);
        return bound;
      }
      const wrapper = (...args: unknown[]) => {
        const span = tracer.startSpan(`store.${property}`, {
          attributes: { 'db.operation.name': property },
        });
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw error;
        }
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(
            (answer) => {
              span.end();
              return answer;
            },
            (error: unknown) => {
              span.setStatus({ code: SpanStatusCode.ERROR });
              span.end();
              throw error;
            },
          );
        }
        span.end();
        return result;
      };
      cache.set(property, wrapper);
      return wrapper;
    },
  });
}
