import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError, type ModelFile } from '@envoy/core';

const READ_CHUNK_BYTES = 1024 * 1024;

interface FoundFile extends ModelFile {
  absolutePath: string;
}

/**
 * The digest of a model file or folder: `sha256:<hex>` over every file, in byte order of the
 * UTF-8 relative path, each framed as `path NUL length NUL bytes` (length in decimal ASCII).
 * A single file's relative path is its base name. Files are streamed, never read whole.
 */
export async function computeModelDigest(
  path: string,
): Promise<{ digest: string; files: ModelFile[] }> {
  const found = await findModelFiles(path);
  const hash = createHash('sha256');
  for (const file of found) {
    hash.update(Buffer.from(`${file.path}\0${file.bytes}\0`, 'utf8'));
    await hashFileContent(hash, file);
  }
  const files = found.map(({ path: relative, bytes }) => ({ path: relative, bytes }));
  return { digest: `sha256:${hash.digest('hex')}`, files };
}

async function hashFileContent(hash: Hash, file: FoundFile): Promise<void> {
  let seen = 0;
  const stream = createReadStream(file.absolutePath, { highWaterMark: READ_CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    seen += chunk.length;
  }
  if (seen !== file.bytes) {
    throw new UserError(
      `model file ${file.absolutePath} changed while it was being hashed ` +
        `(${file.bytes} bytes expected, ${seen} read); register it again once it is complete`,
    );
  }
}

/** Lists a model's files, sorted by the bytes of their UTF-8 relative paths. */
export async function findModelFiles(path: string): Promise<FoundFile[]> {
  const info = await statModelPath(path);
  if (info.isFile()) return [{ path: basename(path), bytes: info.size, absolutePath: path }];
  if (!info.isDirectory()) {
    throw new UserError(`model path ${path} is neither a file nor a folder`);
  }
  const files: FoundFile[] = [];
  await collectFolder(path, '', files);
  if (files.length === 0) throw new UserError(`model folder ${path} holds no files`);
  return files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

async function statModelPath(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`model path ${path} does not exist`);
    }
    throw error;
  }
}

async function collectFolder(folder: string, prefix: string, files: FoundFile[]): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const absolutePath = join(folder, entry.name);
    const relative = prefix + entry.name;
    const info = entry.isSymbolicLink() ? await stat(absolutePath) : undefined;
    if (entry.isDirectory()) {
      await collectFolder(absolutePath, `${relative}/`, files);
    } else if (entry.isFile() || info?.isFile()) {
      const bytes = info?.size ?? (await stat(absolutePath)).size;
      files.push({ path: relative, bytes, absolutePath });
    } else {
      throw new UserError(
        `model file ${absolutePath} is not a regular file; only files and folders are hashed`,
      );
    }
  }
}
