/** One tensor of a model's signature. Symbolic dimensions keep their names. */
export interface TensorSpec {
  name: string;
  /** Element type as ONNX names it: float32, int64, ... */
  type: string;
  /** Fixed sizes are numbers; symbolic dimensions are their names ('' when unnamed). */
  shape: Array<number | string>;
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** Where a version came from, read from the GitHub environment when present. */
export interface Lineage {
  event?: string;
  repository?: string;
  commit?: string;
  ref?: string;
  tag?: string;
  pullRequest?: number;
  schedule?: string;
  runUrl?: string;
  actor?: string;
}

export interface ModelFile {
  /** Relative to the model's root, with forward slashes. */
  path: string;
  bytes: number;
}

/** A registered, immutable version of a model. */
export interface ModelVersion {
  model: string;
  /** Versions are integers everywhere; "2" and 2 name the same version. */
  version: number;
  /** `sha256:<hex>` over the sorted relative paths and their bytes. */
  digest: string;
  format: string;
  /** The path the files were registered from, relative to the workspace. */
  source: string;
  files: ModelFile[];
  signature?: ModelSignature;
  lineage: Lineage;
  createdAt: string;
}

/** Parses a version given as text or number; returns undefined when it is not a positive integer. */
export function parseVersionNumber(value: string | number): number | undefined {
  const text = String(value).trim();
  if (!/^[1-9]\d*$/.test(text)) return undefined;
  const version = Number(text);
  return Number.isSafeInteger(version) ? version : undefined;
}
