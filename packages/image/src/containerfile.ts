import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContainerfileSettings {
  model: string;
  version: number;
  /** The file the server loads, inside the image, e.g. `/models/model.onnx`. */
  modelFile: string;
  /** The model layer's tar, relative to the build context (the layout's parent folder). */
  layerBlob: string;
}

export const SERVE_PORT = 8080;

/**
 * Renders a Containerfile that serves the model, for builder backends such as buildah.
 * The build context is the layout's parent folder; `ADD` unpacks the model layer's tar,
 * so the files land in /models/ with the same bytes and metadata as in the OCI layout.
 */
export function renderContainerfile(settings: ContainerfileSettings): string {
  const serve = [
    'envoy-serve',
    '--model-file',
    settings.modelFile,
    '--model-name',
    settings.model,
    '--version',
    String(settings.version),
    '--host',
    '0.0.0.0',
    '--port',
    String(SERVE_PORT),
  ];
  const ready = `http://127.0.0.1:${SERVE_PORT}/v2/health/ready`;
  const probe = `fetch('${ready}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return [
    `# Serves ${settings.model} v${settings.version} over the Open Inference Protocol (KServe v2).`,
    '# Build from this folder, e.g.:',
    '#   buildah build --build-arg SERVE_BASE=<image> -f Containerfile .',
    '# TODO: no Envoy serving image is published yet. SERVE_BASE must provide Node.js,',
    '# onnxruntime-node and an `envoy-serve` command (the @envoy/deploy serve entry).',
    'ARG SERVE_BASE',
    'FROM ${SERVE_BASE}',
    `ADD ${settings.layerBlob} /`,
    `ENV ENVOY_MODEL_NAME=${JSON.stringify(settings.model)} \\`,
    `    ENVOY_MODEL_VERSION="${settings.version}" \\`,
    `    ENVOY_MODEL_FILE=${JSON.stringify(settings.modelFile)}`,
    `EXPOSE ${SERVE_PORT}`,
    `HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ${JSON.stringify(['node', '-e', probe])}`,
    `CMD ${JSON.stringify(serve)}`,
    '',
  ].join('\n');
}

/** Writes `<folder>/Containerfile` and returns its path. */
export async function writeContainerfile(
  folder: string,
  settings: ContainerfileSettings,
): Promise<string> {
  const path = join(folder, 'Containerfile');
  await writeFile(path, renderContainerfile(settings));
  return path;
}
