import type { Direction } from '@envoy/core';

function words(text: string): Set<string> {
  return new Set(text.trim().split(/\s+/));
}

const TIME = words(`
  ns nsec nanosecond nanoseconds us usec microsecond microseconds
  ms msec millisecond milliseconds s sec secs second seconds
  min mins minute minutes h hr hrs hour hours`);

/** Amounts spent: time, cycles, memory, energy, power. Less is better. */
const COST = new Set([
  ...TIME,
  ...words(`
    cycle cycles clk clocks instruction instructions insn insns
    b byte bytes kb kib mb mib gb gib tb tib
    j mj kj joule joules w mw kw watt watts wh kwh`),
]);

/** Rates written without `/s`: frequencies and per-second shorthands. More is better. */
const RATE = words(`
  hz khz mhz ghz qps rps fps tps ips ops iops
  flops mflops gflops tflops bps kbps mbps gbps`);

/**
 * Whether a bigger or smaller value of this unit is better, for formats that do not say.
 * Time and other costs (cycles, bytes, joules, watts) are smaller-is-better, also per
 * unit of work (`ns/op`, `cycles/iter`, `J/inference`); anything per unit of time
 * (`items/s`, `tokens per second`, `QPS`, `GB/s`, `Hz`) is bigger-is-better. Units it
 * does not know, including `''`, `%` and `ratio`, count as scores: bigger-is-better.
 */
export function directionForUnit(unit: string): Direction {
  const normal = unit
    .trim()
    .toLowerCase()
    .replace(/[µμ]/g, 'u')
    .replace(/\s+per\s+/g, '/')
    .replace(/\s+/g, '');
  const slash = normal.indexOf('/');
  if (slash >= 0) {
    const per = normal.slice(slash + 1);
    if (per === '' || TIME.has(per)) return 'bigger-is-better';
    return COST.has(normal.slice(0, slash)) ? 'smaller-is-better' : 'bigger-is-better';
  }
  if (RATE.has(normal)) return 'bigger-is-better';
  return COST.has(normal) ? 'smaller-is-better' : 'bigger-is-better';
}
