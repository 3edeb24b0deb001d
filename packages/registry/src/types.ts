import type { BenchmarkResults, Lineage, ModelSignature, ModelVersion } from '@envoy/core';

export interface RegisterRequest {
  model: string;
  /** The model's file or folder, absolute. */
  path: string;
  /** The path as the user wrote it, relative to the workspace. */
  source: string;
  format: string;
  signature?: ModelSignature;
  lineage: Lineage;
  now?: Date;
}

/** One entry of a model's append-only alias audit log. */
export interface AliasMove {
  model: string;
  alias: string;
  /** The version the alias named before; absent the first time it is set. */
  from?: number;
  to: number;
  /** ISO 8601. */
  at: string;
  actor: string;
  reason: string;
}

export interface AliasMoveReason {
  actor: string;
  reason: string;
  now?: Date;
}

export interface Registry {
  /** Registers a model's files; the same digest again returns the existing version. */
  register(request: RegisterRequest): Promise<{ version: ModelVersion; created: boolean }>;
  listModels(): Promise<string[]>;
  /** Ascending by version; empty for a model that has none. */
  listVersions(model: string): Promise<ModelVersion[]>;
  /** UserError naming the model or version when either is not registered. */
  getVersion(model: string, version: number | string): Promise<ModelVersion>;
  /** "3", 3 or an alias name; UserError naming whatever is not there. */
  resolve(model: string, versionOrAlias: string | number): Promise<ModelVersion>;
  /** Empty for a model without aliases. */
  aliases(model: string): Promise<Record<string, number>>;
  moveAlias(
    model: string,
    alias: string,
    version: number | string,
    why: AliasMoveReason,
  ): Promise<AliasMove>;
  /** The append-only audit log, oldest first; one alias or all. */
  aliasHistory(model: string, alias?: string): Promise<AliasMove[]>;
  /** The version the alias named at a moment; undefined before it was first set, or never. */
  aliasAt(model: string, alias: string, at: Date): Promise<number | undefined>;
  /** Keeps every run, keyed by model, version and hardware class. */
  attachResults(results: BenchmarkResults): Promise<void>;
  /** Runs of one version, oldest first; every hardware class when none is named. */
  getResults(
    model: string,
    version: number | string,
    hardwareClass?: string,
  ): Promise<BenchmarkResults[]>;
}
