import fs from "node:fs";
import path from "node:path";

/** The file naming the process that has the embedded data folder open (PGlite allows one). */
export const LOCK_FILE = "server.pid";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The pid of a live process holding the folder, if any (a file left by a killed server does not count). */
export function dataFolderHolder(dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Claims the embedded data folder for this process, or throws naming the process that has it:
 * two servers on one PGlite folder corrupt it. Returns the release function.
 */
export function lockDataFolder(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
      return () => {
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = dataFolderHolder(dir);
      if (holder) throw new Error(`another Dispatch server (pid ${holder}) is using the data folder ${dir}. Stop it first, or set DISPATCH_DATA_DIR to another folder.`);
      fs.rmSync(file, { force: true }); // left by a server that was killed
    }
  }
  throw new Error(`could not lock the data folder ${dir}`);
}
