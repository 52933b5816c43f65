/**
 * `--instance-cpus Q` for the scale scenario: each Maitre instance runs in a cgroup of its own whose CPU quota is Q
 * cores, as if each had a small machine to itself. On a box where the load generator, nginx, PostgreSQL and Redis
 * share the cores with the instances, an uncapped second instance has no CPU of its own to bring; capped, the
 * comparison asks the scale-out question directly: with the instance as the bottleneck, does a second one add its
 * share, or do the shared parts (PostgreSQL, Redis, the date locks) stop it?
 *
 * Needs a writable cgroup hierarchy (root on a host or a privileged container): cgroup v2 (`cpu.max`) or v1's cpu
 * controller (`cpu.cfs_quota_us`). Fails with a clear message otherwise.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V2 = '/sys/fs/cgroup';
const V1 = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

export interface CpuCap {
  /** Moves every thread of `pid` into its own cgroup capped at the quota. */
  add(pid: number): void;
  /** Moves the processes back to the root group and removes the groups. */
  release(): void;
}

function layout(): { root: string; quota: (dir: string, cores: number) => void } {
  const v2 = existsSync(join(V2, 'cgroup.controllers')) && readFileSync(join(V2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu');
  if (v2) return { root: V2, quota: (dir, cores) => writeFileSync(join(dir, 'cpu.max'), `${Math.round(cores * PERIOD_US)} ${PERIOD_US}`) };
  if (existsSync(join(V1, 'cpu.cfs_quota_us'))) {
    return {
      root: V1,
      quota: (dir, cores) => {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(cores * PERIOD_US)));
      },
    };
  }
  throw new Error('--instance-cpus: no cgroup CPU controller found (cgroup v2 cpu.max or v1 cpu.cfs_quota_us)');
}

export function cpuCap(cores: number): CpuCap {
  if (!(cores > 0)) throw new Error(`--instance-cpus: a positive number of cores, not ${cores}`);
  const { root, quota } = layout();
  const groups: { dir: string; pid: number }[] = [];
  return {
    add(pid) {
      const dir = join(root, `maitre-bench-${process.pid}-${pid}`);
      try {
        mkdirSync(dir);
        quota(dir, cores);
        writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      } catch (err) {
        throw new Error(`--instance-cpus: cannot cap process ${pid} in ${dir} (${(err as Error).message}); it needs root and a writable cgroup hierarchy`);
      }
      groups.push({ dir, pid });
    },
    release() {
      for (const g of groups.splice(0)) {
        try {
          writeFileSync(join(root, 'cgroup.procs'), String(g.pid));
        } catch {
          /* the process has exited */
        }
        try {
          rmdirSync(g.dir);
        } catch {
          /* still populated: left for the operator */
        }
      }
    },
  };
}
