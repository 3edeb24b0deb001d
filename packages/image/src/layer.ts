import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Header, type Pack } from 'tar-stream';
import { UserError } from '@envoy/core';

/** The folder KServe model cars serve from; the layer holds the model files under it. */
export const MODEL_ROOT = 'models';

/** One entry of the model layer: a folder, or a file and where its bytes come from. */
export interface LayerEntry {
  /** Path inside the archive, e.g. `models/` or `models/encoder/model.onnx`. */
  archivePath: string;
  type: 'directory' | 'file';
  sourcePath?: string;
  bytes: number;
}

export interface BlobDescriptor {
  digest: string;
  size: number;
}

/**
 * Lists the entries of the model layer in archive order: `models/`, then every folder and
 * file below it sorted by path, so the same files always give the same archive.
 */
export async function listLayerEntries(modelPath: string): Promise<LayerEntry[]> {
  const root = await statOrThrow(modelPath);
  const rootEntry: LayerEntry = { archivePath: `${MODEL_ROOT}/`, type: 'directory', bytes: 0 };
  if (root.isFile()) {
    const archivePath = `${MODEL_ROOT}/${basename(modelPath)}`;
    return [rootEntry, { archivePath, type: 'file', sourcePath: modelPath, bytes: root.size }];
  }
  if (!root.isDirectory()) {
    throw new UserError(`model path ${modelPath} is neither a file nor a folder`);
  }
  const entries = [rootEntry, ...(await walk(modelPath, `${MODEL_ROOT}/`))];
  return entries.sort((left, right) => compareBytes(left.archivePath, right.archivePath));
}

async function walk(folder: string, prefix: string): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for (const name of await readdir(folder)) {
    const sourcePath = join(folder, name);
    const info = await stat(sourcePath);
    if (info.isDirectory()) {
      const archivePath = `${prefix}${name}/`;
      entries.push({ archivePath, type: 'directory', bytes: 0 });
      entries.push(...(await walk(sourcePath, archivePath)));
    } else if (info.isFile()) {
      entries.push({ archivePath: `${prefix}${name}`, type: 'file', sourcePath, bytes: info.size });
    } else {
      throw new UserError(`model file ${sourcePath} is not a regular file or folder`);
    }
  }
  return entries;
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UserError(`model path ${path} does not exist`);
  }
}

function compareBytes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/**
 * Writes the layer as an uncompressed tar to `destination`, streaming each file's bytes,
 * and returns its sha256 digest and size. Every header is fixed: owner 0:0 with no names,
 * mode 0644 for files and 0755 for folders, and `mtime` for every entry.
 */
export async function writeLayer(
  entries: LayerEntry[],
  destination: string,
  mtime: Date,
): Promise<BlobDescriptor> {
  const pack = tarPack();
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(pack, measure, createWriteStream(destination));
  try {
    for (const entry of entries) await addEntry(pack, entry, mtime);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
  }
  await written;
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

function addEntry(pack: Pack, entry: LayerEntry, mtime: Date): Promise<void> {
  const header: Partial<Header> & Pick<Header, 'name'> = {
    name: entry.archivePath,
    type: entry.type,
    size: entry.bytes,
    mode: entry.type === 'directory' ? 0o755 : 0o644,
    mtime,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
  };
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    if (entry.type === 'directory' || !entry.sourcePath) return;
    const source = createReadStream(entry.sourcePath);
    source.on('error', reject);
    source.pipe(sink);
  });
}
