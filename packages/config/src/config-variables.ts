import { configSchema, type VariableName } from './config-schema.js';
import { type VariableMeta, variableRegistry } from './config-variable.js';

export interface ConfigVariable extends VariableMeta {
  readonly name: VariableName;
}

/**
 * Every variable with its docs metadata, in schema order. Read from the
 * schema itself, so a variable cannot exist without its metadata.
 */
export const configVariables: readonly ConfigVariable[] = Object.freeze(
  Object.entries(configSchema.shape).map(([name, schema]) => {
    const meta = variableRegistry.get(schema);
    if (meta === undefined) {
      // Only reachable if a schema entry bypasses `variable()`.
      throw new Error(`config variable ${name} has no metadata`);
    }
    return Object.freeze({ name: name as VariableName, ...meta });
  }),
);

function cell(value: string): string {
  // A pipe would end the cell; a newline would end the row.
  return value.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The README's configuration table, generated so the docs cannot drift from the schema. */
export function configTable(): string {
  const rows = configVariables.map(
    (variable) =>
      `| \`${variable.name}\` | ${cell(variable.default)} | ${cell(variable.description)}${
        variable.secret ? ' (secret)' : ''
      } |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n') + '\n';
}
