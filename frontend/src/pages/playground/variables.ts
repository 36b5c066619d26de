/**
 * A variable's value from its text: JSON when it reads as a JSON array, object, number,
 * boolean or null and `json` is on; the text itself otherwise.
 */
export function variableValue(text: string, json: boolean): unknown {
  if (!json) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function variablesObject(names: readonly string[], texts: Record<string, string>, json: Record<string, boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = variableValue(texts[name] ?? '', json[name] ?? false);
  return out;
}
