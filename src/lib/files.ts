import * as fs from 'fs';
import * as path from 'path';
import { fileWriteError } from './errors';

/**
 * Write to a temporary sibling with mode 0600, then rename over the target; missing
 * folders are created. A failure is a clear error naming `what` and the file.
 */
export function writeFileAtomic(file: string, content: string, what = 'the file'): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    // rename keeps the tmp file's mode; chmod covers a umask that widened it.
    fs.chmodSync(file, 0o600);
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The temporary file was never created where its folder could not be.
    }
    throw fileWriteError(what, file, error);
  }
}
