import type {ModuleCost, RunModuleCost} from './types';

/** Modules a file lists under `files[].imports`. */
export const FILE_IMPORTS = 10;
/** Modules the run lists under `imports`. */
export const RUN_IMPORTS = 20;

/** Costliest self time first; a tie goes by name, so every format and a re-read file list the same order. */
export function byCost<T extends {module: string; selfMs: number}>(a: T, b: T): number {
  return b.selfMs - a.selfMs || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0);
}

/**
 * The run's import costs: each module's self, total and transform time summed over the files that loaded it, where a
 * barrel file or a heavy SDK that every test file pays for shows itself. One entry per distinct module of the run.
 */
export class ImportTotals {
  private readonly modules = new Map<string, RunModuleCost>();
  private measured = false;

  /** One file's modules (every module the channel carried for it, not only its top 10). */
  addFile(modules: readonly ModuleCost[]): void {
    this.measured = true;
    for (const cost of modules) this.add({module: cost.module, selfMs: cost.selfMs, totalMs: cost.totalMs, transformMs: cost.transformMs, files: 1});
  }

  /** Another run's totals (`merge`: each shard's list is its top `RUN_IMPORTS`, so the merged figures are a floor). */
  addRun(modules: readonly RunModuleCost[] | null): void {
    if (modules === null) return;
    this.measured = true;
    for (const cost of modules) this.add(cost);
  }

  /** The costliest `n` by summed self time; null when no file's imports were measured. */
  top(n = RUN_IMPORTS): RunModuleCost[] | null {
    if (!this.measured) return null;
    return [...this.modules.values()].sort(byCost).slice(0, n);
  }

  private add(cost: RunModuleCost): void {
    const known = this.modules.get(cost.module);
    if (known === undefined) {
      this.modules.set(cost.module, {...cost});
      return;
    }
    known.selfMs += cost.selfMs;
    known.totalMs += cost.totalMs;
    known.transformMs += cost.transformMs;
    known.files += cost.files;
  }
}
