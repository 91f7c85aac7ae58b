// One source of settings (the file, the environment, the flags) as a raw nested object, plus
// where each value came from, so a validation error can name the file or variable to fix.
export type RawSettings = Record<string, unknown>;

export interface ConfigLayer {
  values: RawSettings;
  /** Dotted key path -> source ("/home/me/config.yaml", "SHOAL_PEER_PORT", "--port"). */
  sources: Map<string, string>;
}

export function emptyLayer(): ConfigLayer {
  return { values: {}, sources: new Map() };
}

/** Sets one value, creating its section; `source` is remembered for error messages. */
export function setValue(layer: ConfigLayer, path: readonly string[], value: unknown, source: string): void {
  let target = layer.values;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    if (!isPlainObject(next)) target[part] = {};
    target = target[part] as RawSettings;
  }
  const last = path.at(-1);
  if (last === undefined) return;
  target[last] = value;
  layer.sources.set(path.join('.'), source);
}

/** A layer from a whole parsed document (a config file): everything in it has one source. */
export function layerFromDocument(values: RawSettings, source: string): ConfigLayer {
  const sources = new Map<string, string>();
  const visit = (node: unknown, prefix: string): void => {
    if (!isPlainObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      sources.set(path, source);
      visit(child, path);
    }
  };
  visit(values, '');
  return { values, sources };
}

/** Later layers win, key by key; sections merge rather than replace each other. */
export function mergeLayers(layers: readonly ConfigLayer[]): ConfigLayer {
  const merged = emptyLayer();
  for (const layer of layers) {
    merged.values = mergeObjects(merged.values, layer.values);
    for (const [path, source] of layer.sources) merged.sources.set(path, source);
  }
  return merged;
}

/** The source of the value at `path`, or of the nearest section above it. */
export function sourceAt(layer: ConfigLayer, path: readonly PropertyKey[]): string | undefined {
  for (let length = path.length; length > 0; length -= 1) {
    const source = layer.sources.get(path.slice(0, length).map(String).join('.'));
    if (source !== undefined) return source;
  }
  return undefined;
}

export function valueAt(values: RawSettings, path: readonly PropertyKey[]): unknown {
  let node: unknown = values;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === 'number') node = node[part] as unknown;
    else if (isPlainObject(node)) node = node[String(part)];
    else return undefined;
  }
  return node;
}

export function isPlainObject(value: unknown): value is RawSettings {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeObjects(base: RawSettings, override: RawSettings): RawSettings {
  const result: RawSettings = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    // defineProperty, so a "__proto__" key in a file stays a key (and fails as unknown).
    Object.defineProperty(result, key, {
      value: isPlainObject(existing) && isPlainObject(value) ? mergeObjects(existing, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
